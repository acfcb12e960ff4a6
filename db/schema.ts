import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type { FindingSeverity } from "../app/domain/design-review";
import type { SignoffPart } from "../app/domain/signoffs";
import type {
  AssetKind,
  AssetStatus,
  ChangeKind,
  ChangeOutcome,
  ChangeStatus,
  ControlType,
  Criticality,
  DiscoverySource,
  FlowDecision,
  FlowDirection,
  FlowProtocol,
  Phase,
  Role,
  StopCause,
  WindowKind,
  WindowStatus,
  ZoneKind,
} from "../app/domain/vocabulary";

// Every table of the database. Instants are UTC ISO-8601 text, calendar dates are "YYYY-MM-DD" text,
// booleans are 0/1 integers (better-sqlite3 binds neither Date nor boolean). A column holding one of a fixed
// set of words has that set's type (from app/domain; the migrations' CHECK constraints hold the same lists).

/** What a signoff signs. */
export type SignoffSubjectType = "ownership_split" | "conduit" | "baseline_acceptance" | "gate_pass";
/** A staged host's triage: reviewed as transient (not inventory), or escalated to corporate security. */
export type AssetTriage = "transient" | "escalated";
/** A detection rule's class: traffic that is unusual, or traffic that is wrong. */
export type DetectionRuleClass = "unusual" | "wrong";

export interface PlantTable {
  id: Generated<number>;
  code: string;
  name: string;
  /** IANA time zone, e.g. "America/Phoenix"; every plant-local day and time is read in it. */
  time_zone: string;
  region: string;
  site: string;
  target_inventory: string | null;
  target_zoning: string | null;
  target_conduits: string | null;
  target_baseline: string | null;
  target_alerting: string | null;
  created_at: string;
  /** The written split of ownership between plant engineering and corporate security; null until written. */
  ownership_split: string | null;
  /** Bumped by every edit of the split's text; 0 while none is written. */
  ownership_split_revision: Generated<number>;
}

export interface ZoneTable {
  id: Generated<number>;
  plant_id: number;
  name: string;
  kind: ZoneKind;
  purdue_level: number | null;
  /** Target security level, IEC 62443 SL-T 1–4. */
  sl_target: number | null;
  description: string | null;
  /** 1 when the zone holds safety instrumented systems. */
  safety: ColumnType<number, number | undefined, number>;
  created_at: string;
}

export interface ZoneRangeTable {
  id: Generated<number>;
  zone_id: number;
  /** IPv4 or IPv6 CIDR block. */
  cidr: string;
}

export interface ConduitTable {
  id: Generated<number>;
  plant_id: number;
  name: string;
  zone_a_id: number;
  zone_b_id: number;
  purpose: string | null;
  control_type: ControlType | null;
  monitored: number;
  monitoring_point: string | null;
  /** Bumped by every edit of the conduit's definition; signoffs and baselines bind to one revision. */
  revision: number;
  /** Design & change-control owner: a plant engineer of the plant. */
  design_owner_id: number | null;
  /** Monitoring & incident-response owner: corporate security. */
  monitoring_owner_id: number | null;
  /** Why a gap of two or more target security levels between the conduit's zones is acceptable. */
  compensating_note: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

export interface ConduitFlowTable {
  id: Generated<number>;
  conduit_id: number;
  protocol: FlowProtocol;
  /** Service port, or the first of a range; null for ICMP and for any port. */
  port: number | null;
  /** The last port of a range; null for a single port. */
  port_end: ColumnType<number | null, number | null | undefined, number | null>;
  direction: FlowDirection;
  description: string | null;
}

export interface AssetTable {
  id: Generated<number>;
  plant_id: number;
  zone_id: number | null;
  name: string;
  kind: AssetKind | null;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  install_year: number | null;
  ip: string | null;
  mac: string | null;
  criticality: Criticality | null;
  discovery_source: DiscoverySource;
  status: AssetStatus;
  /** A staged host's triage: known-transient (reviewed, not inventory) or escalated to corporate security. */
  triage: ColumnType<AssetTriage | null, AssetTriage | null | undefined, AssetTriage | null>;
  triage_note: ColumnType<string | null, string | null | undefined, string | null>;
  triaged_by: ColumnType<number | null, number | null | undefined, number | null>;
  triaged_at: ColumnType<string | null, string | null | undefined, string | null>;
  discovered_at: string;
  created_at: string;
  updated_at: string;
}

export interface PersonTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  title: string | null;
  active: number;
  created_at: string;
  /** scrypt hash, "scrypt$N$r$p$salt$key" in base64; null for people who cannot sign in. */
  password_hash: string | null;
  password_changed_at: string | null;
  /** Bumped by every edit of the account's name, role or plants; the edit form carries the one it was read at. */
  revision: Generated<number>;
  /** "HH:MM": when the daily digest is sent, in the person's time zone. */
  digest_time: Generated<string>;
  /** IANA zone; null: the time zone of the person's first plant, else UTC. */
  time_zone: string | null;
}

export interface PersonPlantTable {
  person_id: number;
  plant_id: number;
}

export interface GatePassTable {
  id: Generated<number>;
  plant_id: number;
  /** The phase whose exit gate was passed. */
  phase: Phase;
  passed_at: string;
  passed_by: number;
  /** JSON array of the criteria as they stood when the gate was passed. */
  criteria_snapshot: string;
  note: string | null;
}

export interface SessionTable {
  id_hash: string;
  person_id: number;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginAttemptTable {
  id: Generated<number>;
  /** Lower-cased as typed, whether or not such an account exists. */
  email: string;
  ip: string;
  at: string;
  succeeded: number;
}

export interface ApiTokenTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  prefix: string;
  role: Role;
  created_by: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_by: number | null;
}

export interface ApiTokenPlantTable {
  token_id: number;
  plant_id: number;
}

export interface SignoffTable {
  id: Generated<number>;
  subject_type: SignoffSubjectType;
  subject_id: number;
  plant_id: number;
  part: SignoffPart;
  person_id: number;
  role: Role;
  revision: number;
  content_hash: string;
  signed_at: string;
  note: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

/** A design-review warning a signer acknowledged with their signoff, as they were shown it, and why. */
export interface SignoffAcknowledgementTable {
  id: Generated<number>;
  signoff_id: number;
  /** The warning's code and objects at fault, as `acknowledgementKey` writes them. */
  finding_key: string;
  code: string;
  severity: FindingSeverity;
  message: string;
  reason: string;
}

export interface AuditEventTable {
  seq: number;
  at: string;
  actor_person_id: number | null;
  actor_token_id: number | null;
  actor_label: string;
  action: string;
  object_type: string;
  object_id: string | null;
  plant_id: number | null;
  summary: string;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

export interface ProgramSettingTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface ChecklistTickTable {
  id: Generated<number>;
  plant_id: number;
  code: string;
  ticked: number;
  note: string;
  details_json: string | null;
  person_id: number;
  at: string;
}

export interface WaiverTable {
  id: Generated<number>;
  plant_id: number;
  code: string;
  justification: string;
  person_id: number;
  at: string;
  revoked_at: string | null;
  revoked_by: number | null;
}

export interface OutageWindowTable {
  id: Generated<number>;
  plant_id: number;
  title: string;
  kind: WindowKind;
  status: WindowStatus;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  notes: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  /** Bumped by every edit of the window (title, kind, times, status, notes); its forms carry the one they read. */
  revision: Generated<number>;
}

export interface NetworkChangeTable {
  id: Generated<number>;
  plant_id: number;
  kind: ChangeKind;
  title: string;
  conduit_id: number | null;
  conduit_revision: number | null;
  asset_id: number | null;
  window_id: number | null;
  planned_start: string | null;
  planned_minutes: number | null;
  status: ChangeStatus;
  done_at: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface ObservationTable {
  id: Generated<number>;
  conduit_id: number;
  day: string;
  source: string;
  coverage: number;
  tuples: number;
  new_tuples: number;
  connections: number;
  bytes: number;
  recorded_at: string;
}

export interface AlertWiringTable {
  id: Generated<number>;
  conduit_id: number;
  conduit_revision: number;
  person_id: number;
  at: string;
  siem_reference: string | null;
}

export interface DetectionRuleTable {
  id: Generated<number>;
  conduit_id: number;
  name: string;
  class: DetectionRuleClass;
  description: string | null;
  reviewed_by: number | null;
  reviewed_at: string | null;
  created_by: number;
  created_at: string;
}

/** A person's secret calendar-feed token: calendar clients subscribe with it in the URL, without a session. */
export interface CalendarFeedTable {
  id: Generated<number>;
  person_id: number;
  /** sha256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  /** The first characters of the token, shown so its owner can tell tokens apart. */
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

/** A flow tuple seen on a conduit within one baseline epoch ("<revision>@<epochStart>"). */
export interface FlowTupleTable {
  conduit_id: number;
  epoch_key: string;
  tuple: string;
  first_day: string;
}

export type EvidenceIngestState = "running" | "published";

/** One ingest of connections into a plant: written under its id while it runs, published in one transaction. */
export interface EvidenceIngestTable {
  id: Generated<number>;
  plant_id: number;
  source: string;
  label: string | null;
  state: EvidenceIngestState;
  pid: number | null;
  host: string | null;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  records: Generated<number>;
  counted: Generated<number>;
  new_hosts: Generated<number>;
  staged_hosts: Generated<number>;
  new_wrong_flows: Generated<number>;
  recorded_wrong_flows: Generated<number>;
}

/** What one ingest counted of one flow tuple on a conduit in one plant-local hour. */
export interface FlowHourTable {
  conduit_id: number;
  epoch_key: string;
  day: string;
  hour: number;
  tuple: string;
  wrong: number;
  ingest_id: number;
  connections: number;
  bytes: number;
  first_ts: number;
  last_ts: number;
}

/** The keys of the connections counted in one UTC minute of a plant by one ingest (see the migration). */
export interface ConnectionKeyTable {
  plant_id: number;
  minute: number;
  ingest_id: number;
  legacy: Generated<number>;
  keys: Buffer;
}

/** A host a running ingest found missing from the inventory. */
export interface IngestHostTable {
  ingest_id: number;
  ip: string;
  zone_id: number;
  seq: number;
}

/** A flow seen on a conduit outside its allowed flows. */
export interface PolicyViolationTable {
  id: Generated<number>;
  conduit_id: number;
  tuple: string;
  first_seen: string;
  last_seen: string;
  count: number;
  acknowledged_by: number | null;
  acknowledged_at: string | null;
  acknowledged_note: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One thing the tracker tells one person, once per fact (see app/domain/notifications.ts). */
export interface NotificationTable {
  id: Generated<number>;
  person_id: number;
  kind: string;
  plant_id: number | null;
  fact_key: string;
  title: string;
  body: string;
  href: string;
  urgent: Generated<number>;
  created_at: string;
  read_at: string | null;
  digested_at: string | null;
}

/** A person's choice for one kind on one channel, where it differs from the kind's default. */
export interface NotificationPreferenceTable {
  person_id: number;
  kind: string;
  channel: "app" | "email";
  enabled: number;
}

/** An address the admin registered to receive notifications as signed JSON posts. */
export interface WebhookEndpointTable {
  id: Generated<number>;
  name: string;
  url: string;
  secret: string;
  plant_id: number | null;
  /** JSON array of notification kinds. */
  kinds: string;
  format: "json" | "slack" | "teams";
  active: Generated<number>;
  created_at: string;
  created_by: number | null;
}

export type OutboxStatus = "pending" | "sending" | "sent" | "failed" | "kept";

/** One message to one address, kept until it is sent (the durable outbox). */
export interface OutboxMessageTable {
  id: Generated<number>;
  channel: "email" | "webhook";
  idempotency_key: string;
  person_id: number | null;
  endpoint_id: number | null;
  notification_id: number | null;
  kind: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  payload: string | null;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface WorkerLeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface NotifierStateTable {
  name: string;
  value: string;
}

/** A cutover's predicted blocked flow, acknowledged by the conduit's design owner (see app/domain/cutover-impact.ts). */
export interface CutoverFlowAcknowledgementTable {
  id: Generated<number>;
  change_id: number;
  flow_key: string;
  decision: FlowDecision;
  reason: string;
  person_id: number;
  at: string;
}

/** How one attempt at a network change came out. */
export interface ChangeOutcomeTable {
  id: Generated<number>;
  change_id: number;
  plant_id: number;
  outcome: ChangeOutcome;
  actual_start: string | null;
  actual_end: string | null;
  note: string | null;
  person_id: number;
  at: string;
}

/** An unscheduled production stop the network caused or is suspected of, with its post-incident review. */
export interface ProductionStopTable {
  id: Generated<number>;
  plant_id: number;
  zone_id: number | null;
  line: string | null;
  started_at: string;
  minutes_lost: number;
  change_id: number | null;
  ticket: string | null;
  description: string;
  cause: StopCause;
  review: string | null;
  /** Bumped by every edit of the review's text; its signatures bind to one revision. */
  review_revision: Generated<number>;
  recorded_by: number;
  created_at: string;
  updated_at: string;
}

/** One owner's signature of a stop's post-incident review, at one revision of it. */
export interface StopReviewSignoffTable {
  id: Generated<number>;
  stop_id: number;
  part: SignoffPart;
  person_id: number;
  review_revision: number;
  signed_at: string;
}

/** One owner's acceptance that a live conduit's alerts keep watching it after it was edited, at that revision. */
export interface DriftAcceptanceTable {
  id: Generated<number>;
  conduit_id: number;
  conduit_revision: number;
  part: SignoffPart;
  person_id: number;
  reason: string;
  at: string;
}

export interface Database {
  plant: PlantTable;
  zone: ZoneTable;
  zone_range: ZoneRangeTable;
  conduit: ConduitTable;
  conduit_flow: ConduitFlowTable;
  asset: AssetTable;
  person: PersonTable;
  person_plant: PersonPlantTable;
  gate_pass: GatePassTable;
  session: SessionTable;
  login_attempt: LoginAttemptTable;
  api_token: ApiTokenTable;
  api_token_plant: ApiTokenPlantTable;
  signoff: SignoffTable;
  signoff_acknowledgement: SignoffAcknowledgementTable;
  audit_event: AuditEventTable;
  program_setting: ProgramSettingTable;
  checklist_tick: ChecklistTickTable;
  waiver: WaiverTable;
  outage_window: OutageWindowTable;
  network_change: NetworkChangeTable;
  observation: ObservationTable;
  alert_wiring: AlertWiringTable;
  detection_rule: DetectionRuleTable;
  calendar_feed: CalendarFeedTable;
  flow_tuple: FlowTupleTable;
  evidence_ingest: EvidenceIngestTable;
  flow_hour: FlowHourTable;
  connection_key: ConnectionKeyTable;
  ingest_host: IngestHostTable;
  policy_violation: PolicyViolationTable;
  notification: NotificationTable;
  notification_preference: NotificationPreferenceTable;
  webhook_endpoint: WebhookEndpointTable;
  outbox_message: OutboxMessageTable;
  worker_lease: WorkerLeaseTable;
  notifier_state: NotifierStateTable;
  cutover_flow_acknowledgement: CutoverFlowAcknowledgementTable;
  change_outcome: ChangeOutcomeTable;
  production_stop: ProductionStopTable;
  stop_review_signoff: StopReviewSignoffTable;
  drift_acceptance: DriftAcceptanceTable;
}

export type NewPlant = Insertable<PlantTable>;
export type NewConduit = Insertable<ConduitTable>;
export type NewAsset = Insertable<AssetTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
