// The program's fixed vocabulary: phases, roles and the kinds the data model speaks of.
// Stored values are the snake_case strings; labels are what people read.

export const PHASES = ["inventory", "zoning", "conduits", "baseline", "alerting"] as const;
export type Phase = (typeof PHASES)[number];
export type PlantPhase = Phase | "complete";

export const PHASE_LABELS: Record<PlantPhase, string> = {
  inventory: "Asset inventory",
  zoning: "Zoning",
  conduits: "Conduit definition",
  baseline: "Passive baseline",
  alerting: "Alerting live",
  complete: "Complete",
};

export const ROLES = ["program_lead", "executive", "plant_engineer", "corporate_security", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  program_lead: "Program lead",
  executive: "Executive",
  plant_engineer: "Plant engineer",
  corporate_security: "Corporate security",
  admin: "Admin",
};

export const ZONE_KINDS = [
  "process_control",
  "supervisory",
  "engineering_workstation",
  "dmz",
  "corporate",
  "other",
] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

export const ZONE_KIND_LABELS: Record<ZoneKind, string> = {
  process_control: "Process control",
  supervisory: "Supervisory",
  engineering_workstation: "Engineering workstation",
  dmz: "DMZ",
  corporate: "Corporate",
  other: "Other",
};

/** Purdue reference model levels a zone may sit at (3.5 is the industrial DMZ). */
export const PURDUE_LEVELS = [0, 1, 2, 3, 3.5, 4, 5] as const;

export const CONTROL_TYPES = ["firewall", "data_diode", "protocol_gateway", "jump_host", "vpn", "router_acl"] as const;
export type ControlType = (typeof CONTROL_TYPES)[number];

export const CONTROL_TYPE_LABELS: Record<ControlType, string> = {
  firewall: "Firewall",
  data_diode: "Data diode",
  protocol_gateway: "Protocol gateway",
  jump_host: "Jump host",
  vpn: "VPN concentrator",
  router_acl: "Router ACL",
};

export const FLOW_PROTOCOLS = ["tcp", "udp", "icmp", "any"] as const;
export type FlowProtocol = (typeof FLOW_PROTOCOLS)[number];

/** Direction of an allowed flow relative to the conduit's endpoints: A initiates to B, B to A, or either. */
export const FLOW_DIRECTIONS = ["a_to_b", "b_to_a", "both"] as const;
export type FlowDirection = (typeof FLOW_DIRECTIONS)[number];

export const ASSET_KINDS = [
  "plc",
  "safety_plc",
  "hmi",
  "scada_server",
  "historian",
  "engineering_workstation",
  "drive",
  "io_adapter",
  "robot_controller",
  "rtu",
  "switch",
  "firewall",
  "server",
  "workstation",
  "printer",
  "camera",
  "other",
] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export const ASSET_KIND_LABELS: Record<AssetKind, string> = {
  plc: "PLC",
  safety_plc: "Safety PLC",
  hmi: "HMI",
  scada_server: "SCADA server",
  historian: "Historian",
  engineering_workstation: "Engineering workstation",
  drive: "Drive",
  io_adapter: "I/O adapter",
  robot_controller: "Robot controller",
  rtu: "RTU",
  switch: "Switch",
  firewall: "Firewall",
  server: "Server",
  workstation: "Workstation",
  printer: "Printer",
  camera: "IP camera",
  other: "Other",
};

export const CRITICALITIES = ["low", "medium", "high", "critical"] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export const DISCOVERY_SOURCES = ["passive_sensor", "zeek_ingest", "import", "manual", "active_scan"] as const;
export type DiscoverySource = (typeof DISCOVERY_SOURCES)[number];

export const DISCOVERY_SOURCE_LABELS: Record<DiscoverySource, string> = {
  passive_sensor: "Passive sensor",
  zeek_ingest: "Zeek ingest",
  import: "Import",
  manual: "Manual entry",
  active_scan: "Active scan",
};

export const ASSET_STATUSES = ["staged", "confirmed"] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export const WINDOW_KINDS = ["scheduled_outage", "blackout"] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

export const WINDOW_KIND_LABELS: Record<WindowKind, string> = {
  scheduled_outage: "Scheduled outage",
  blackout: "Blackout",
};

export const WINDOW_STATUSES = ["planned", "confirmed", "completed", "cancelled"] as const;
export type WindowStatus = (typeof WINDOW_STATUSES)[number];

export const WINDOW_STATUS_LABELS: Record<WindowStatus, string> = {
  planned: "Planned",
  confirmed: "Confirmed",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const CHANGE_KINDS = ["conduit_cutover", "sensor_install", "firewall_rule_change", "active_scan"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const CHANGE_KIND_LABELS: Record<ChangeKind, string> = {
  conduit_cutover: "Conduit cutover",
  sensor_install: "Sensor / SPAN install",
  firewall_rule_change: "Firewall rule change",
  active_scan: "Active scan",
};

export const CHANGE_STATUSES = ["scheduled", "done", "needs_window", "cancelled"] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

export const CHANGE_STATUS_LABELS: Record<ChangeStatus, string> = {
  scheduled: "Scheduled",
  done: "Done",
  needs_window: "Needs a new window",
  cancelled: "Cancelled",
};

export const CHANGE_OUTCOMES = ["as_planned", "with_issues", "rolled_back", "not_done"] as const;
export type ChangeOutcome = (typeof CHANGE_OUTCOMES)[number];

export const CHANGE_OUTCOME_LABELS: Record<ChangeOutcome, string> = {
  as_planned: "Done as planned",
  with_issues: "Done with issues",
  rolled_back: "Rolled back",
  not_done: "Not done",
};

/** Whether a predicted blocked flow of a cutover is expected to stop, or was added to the conduit's design. */
export const FLOW_DECISIONS = ["expected_stop", "added_to_design"] as const;
export type FlowDecision = (typeof FLOW_DECISIONS)[number];

export const FLOW_DECISION_LABELS: Record<FlowDecision, string> = {
  expected_stop: "Expected to stop",
  added_to_design: "Added to the design",
};

/** What a production stop is put down to: the network, a suspicion of it, or (after review) not the network. */
export const STOP_CAUSES = ["network", "suspected", "not_network"] as const;
export type StopCause = (typeof STOP_CAUSES)[number];

export const STOP_CAUSE_LABELS: Record<StopCause, string> = {
  network: "Caused by the network",
  suspected: "Suspected network cause",
  not_network: "Not the network (after review)",
};

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}

export function humanize(value: string): string {
  const spaced = value.replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The label of a stored value, or a readable form of an unknown one (data imported before a vocabulary change). */
export function labelFor(labels: Readonly<Record<string, string>>, value: string): string {
  return labels[value] ?? humanize(value);
}
