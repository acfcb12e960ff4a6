import type { ControlType, FlowDirection, FlowProtocol } from "../../app/domain/vocabulary";
import type { VendorFamily } from "./catalog";
import { cutoverMinutes, cutoverTitle, placeChange, type PlannedChange } from "./operations";
import type { Random } from "./random";
import { between, byCodePoint, DAY_MS, HOUR_MS, iso } from "./util";
import { fits, usable, type PlannedWindow } from "./windows";
import {
  engineerEmail,
  SECURITY_EMAILS,
  type ZonePlan,
  type LinePlan,
  type PlannedAsset,
  type FlowSpec,
  type PlannedConduit,
  type PlannedSignoff,
  type PlantContext,
} from "./plan-model";
import { designOwnerFor, plannedSignoff } from "./plan-signoffs";

// Conduits and their allowed flows. Zone A is the first zone in the conduit's name; `a_to_b` means A initiates.

const flow = (
  protocol: FlowProtocol,
  port: number | null,
  direction: FlowDirection,
  description: string
): FlowSpec => ({
  protocol,
  port,
  direction,
  description,
});

const SCADA_FLOWS: Readonly<Partial<Record<VendorFamily, readonly FlowSpec[]>>> = {
  rockwell: [
    flow(
      "tcp",
      44818,
      "a_to_b",
      "EtherNet/IP (CIP) explicit messaging: SCADA tag reads and writes to the line controllers"
    ),
  ],
  siemens: [flow("tcp", 102, "a_to_b", "S7comm over ISO-TSAP: WinCC reads from the S7 CPUs")],
  schneider: [flow("tcp", 502, "a_to_b", "Modbus/TCP polling of the Modicon controllers")],
  mitsubishi: [flow("tcp", 5007, "a_to_b", "SLMP (MELSEC MC protocol): SCADA reads from the MELSEC CPUs")],
  omron: [flow("udp", 9600, "a_to_b", "FINS/UDP: SCADA reads from the Omron controllers")],
  ge: [flow("tcp", 18245, "a_to_b", "GE SRTP: SCADA reads from the PACSystems and Series 90 controllers")],
  honeywell: [flow("tcp", 4840, "a_to_b", "OPC UA from the Experion server to the controller data")],
  abb: [flow("tcp", 502, "a_to_b", "Modbus/TCP polling of the ABB AC500 controllers")],
};

const ENGINEERING_FLOWS: Readonly<Partial<Record<VendorFamily, readonly FlowSpec[]>>> = {
  rockwell: [
    flow("tcp", 44818, "a_to_b", "Studio 5000 online edits and downloads (CIP over EtherNet/IP)"),
    flow("udp", 44818, "a_to_b", "CIP List Identity: RSLinx / FactoryTalk Linx browsing"),
  ],
  siemens: [flow("tcp", 102, "a_to_b", "TIA Portal and STEP 7 online access and downloads (S7comm-plus)")],
  schneider: [flow("tcp", 502, "a_to_b", "EcoStruxure Control Expert online access (Modbus/UMAS)")],
  mitsubishi: [flow("tcp", 5007, "a_to_b", "GX Works3 online access (SLMP)")],
  omron: [
    flow("udp", 9600, "a_to_b", "CX-Programmer online access (FINS)"),
    flow("tcp", 44818, "a_to_b", "Sysmac Studio online access (EtherNet/IP)"),
  ],
  ge: [flow("tcp", 18245, "a_to_b", "Proficy Machine Edition online access (SRTP)")],
  abb: [flow("tcp", 1217, "a_to_b", "Automation Builder online access (CODESYS gateway)")],
  fanuc: [flow("tcp", 21, "a_to_b", "FTP backups of robot programs from the R-30i controllers")],
};

const MAX_CONDUITS = 10;

const NTP_IN = "NTP: devices sync time from the zone's upstream time source";

interface ConduitDraft {
  zoneA: string;
  zoneB: string;
  name: string;
  purpose: string;
  controlType: ControlType;
  monitoringPoint: string;
  flows: FlowSpec[];
  /** What makes up for a gap of two or more target security levels between the zones. */
  compensatingNote?: string;
  /** Conduits serving one production line, and for whom. */
  line: { number: number; access: "supervisory" | "engineering" } | null;
  /** Added only when the plant has room under the conduit ceiling. */
  extra: boolean;
}

export function planConduits(
  ctx: PlantContext,
  zones: ZonePlan[],
  assets: PlannedAsset[],
  windows: PlannedWindow[]
): { conduits: PlannedConduit[]; cutovers: PlannedChange[] } {
  const { plan, timeline, rng, latestMs } = ctx;
  const phase = timeline.phaseIndex;
  if (phase === 0) return { conduits: [], cutovers: [] };
  const drafts = conduitDrafts(ctx, zones, assets);
  const reachesCorporate = (d: ConduitDraft) => d.zoneA === "corporate" || d.zoneB === "corporate";

  if (phase === 1) {
    const boundary = drafts.find(reachesCorporate);
    if (!plan.zoning?.draftConduit || !boundary) return { conduits: [], cutovers: [] };
    const created = between(rng, timeline.passMs[0] ?? timeline.kickoffMs, latestMs);
    const draft: PlannedConduit[] = [
      {
        zoneA: boundary.zoneA,
        zoneB: boundary.zoneB,
        row: {
          name: boundary.name,
          purpose: boundary.purpose,
          control_type: boundary.controlType,
          monitored: 0,
          monitoring_point: null,
          revision: 1,
          created_at: iso(created),
          updated_at: iso(created),
        },
        flows: [],
        designOwner: null,
        monitoringOwner: null,
        signoffs: [],
      },
    ];
    return { conduits: draft, cutovers: [] };
  }

  let chosen = drafts;
  if (phase === 2) {
    // Mid-phase: the boundary conduits and the first lines are defined; the rest come after.
    chosen = drafts.filter((d) => {
      if (d.line === null) return !d.extra;
      return d.line.access === "supervisory" ? d.line.number <= 2 : d.line.number === 1;
    });
    if (plan.conduitGap === "no_boundary") chosen = chosen.filter((d) => !reachesCorporate(d));
  }

  const designStart = timeline.passMs[1] as number;
  // Plants past the conduits gate settled their designs three weeks before it, leaving the last windows for cutovers.
  const designEnd = timeline.passMs[2] !== undefined ? timeline.passMs[2] - 21 * DAY_MS : latestMs - DAY_MS;
  const conduits = chosen.map((draft, i) => {
    const created = between(rng, designStart, Math.max(designStart, designEnd - 20 * DAY_MS));
    let revision = rng.chance(0.7) ? 1 : rng.int(2, 3);
    let updated = revision === 1 ? created : between(rng, created + DAY_MS, Math.max(created + DAY_MS, designEnd));
    const designOwner = designOwnerFor(ctx);
    const monitoringOwner = rng.pick(SECURITY_EMAILS);
    const signoffs: PlannedSignoff[] = [];
    const signBoth = (rev: number, fromMs: number, toMs: number) => {
      signoffs.push(plannedSignoff(rng, "design_change_control", designOwner, rev, fromMs, toMs));
      signoffs.push(plannedSignoff(rng, "monitoring_incident_response", monitoringOwner, rev, fromMs, toMs));
    };
    const signedBy = latestMs;
    // Earlier revisions were signed too; those signatures went stale when the conduit was edited.
    if (revision > 1) signBoth(revision - 1, created, updated - 1000);
    // Past the conduits gate, the current revision is signed before its cutover window (planned below).
    if (phase < 3) {
      const state = rng.next();
      if (state < 0.6) signBoth(revision, updated, signedBy);
      else if (state < 0.8)
        signoffs.push(plannedSignoff(rng, "design_change_control", designOwner, revision, updated, signedBy));
      else {
        // Signed, then edited again: both signatures are now stale.
        if (revision === 1) {
          signBoth(1, created, Math.max(created, signedBy - 3 * DAY_MS));
          revision = 2;
        }
        updated = between(rng, Math.max(...signoffs.map((x) => x.signedMs)) + 1000, latestMs);
      }
    }
    const conduit: PlannedConduit = {
      zoneA: draft.zoneA,
      zoneB: draft.zoneB,
      row: {
        name: draft.name,
        purpose: draft.purpose,
        control_type: draft.controlType,
        monitored: 1,
        monitoring_point: draft.monitoringPoint,
        compensating_note: draft.compensatingNote ?? null,
        revision,
        created_at: iso(created),
        updated_at: iso(updated),
      },
      flows: draft.flows,
      designOwner,
      monitoringOwner,
      signoffs,
    };
    if (phase === 2) {
      const last = i === chosen.length - 1;
      if (plan.conduitGap === "unfinished_line_conduit" && last) {
        conduit.flows = [];
        conduit.row.monitoring_point = null;
        conduit.row.monitored = 0;
        conduit.row.revision = 1;
        conduit.row.updated_at = conduit.row.created_at;
        conduit.monitoringOwner = null;
        conduit.signoffs = [];
      }
      if (plan.conduitGap === "unmonitored_boundary" && reachesCorporate(draft)) {
        conduit.row.monitoring_point = null;
        conduit.row.monitored = 0;
      }
      if (plan.designWarnings) {
        // Warnings of the design review its signers acknowledge: a boundary whose SL-T gap is not explained, and
        // OPC Classic's dynamic DCOM ports to the first line's OPC server.
        if (reachesCorporate(draft)) conduit.row.compensating_note = null;
        if (draft.line?.number === 1 && draft.line.access === "supervisory")
          conduit.flows = [
            ...conduit.flows,
            flow("tcp", 135, "a_to_b", "OPC Classic: DCOM endpoint mapper of the line's OPC server"),
            {
              ...flow("tcp", 49152, "a_to_b", "OPC Classic: DCOM dynamic ports of the line's OPC server"),
              portEnd: 65535,
            },
          ];
      }
    }
    return conduit;
  });
  if (phase < 3) return { conduits, cutovers: [] };
  const cutovers = planCutoverCampaign(ctx, conduits, windows);
  const revised = reviseAfterPass(ctx, conduits, windows);
  return { conduits, cutovers: revised ? [...cutovers, revised] : cutovers };
}

/**
 * The cutovers of a plant past its conduits gate: every conduit cut over in a completed outage window after its
 * design settled and before the gate, both owners having signed the revision the day before at the latest.
 * The conduits with the least room choose first; baselines meant to stall get the earliest windows.
 */
function planCutoverCampaign(ctx: PlantContext, conduits: PlannedConduit[], windows: PlannedWindow[]): PlannedChange[] {
  const { timeline, latestMs, plan } = ctx;
  const rng = ctx.rng.fork("campaign");
  const passMs = timeline.passMs[2] as number;
  const early = new Set([plan.story?.stalled, plan.story?.accepted].filter(Boolean));
  const order = conduits
    .map((c, i) => ({
      i,
      updated: Date.parse(c.row.updated_at),
      created: Date.parse(c.row.created_at),
    }))
    .sort((a, b) => b.updated - a.updated || a.i - b.i);
  const changes: PlannedChange[] = [];
  for (const { i, updated, created } of order) {
    const conduit = conduits[i] as PlannedConduit;
    const minutes = cutoverMinutes(rng);
    const candidates = (from: number) =>
      windows.flatMap((w, index) =>
        usable(w) && w.status === "completed" && w.startMs >= from && w.endMs <= passMs - DAY_MS && fits(w, minutes)
          ? [index]
          : []
      );
    let eligible = candidates(updated + 2 * DAY_MS);
    if (eligible.length === 0) {
      // A blackout took the last windows before the gate: the design settled before the window it was cut over in.
      eligible = candidates(created + 2 * DAY_MS).slice(-1);
      const window = windows[eligible[0] ?? -1];
      if (!window)
        throw new Error(`${ctx.site.code}: no outage window before the conduits gate for “${conduit.row.name}”.`);
      if (conduit.row.revision === 1) conduit.row.updated_at = conduit.row.created_at;
      else {
        const movedMs = between(rng, created + DAY_MS, Math.max(created + DAY_MS, window.startMs - 2 * DAY_MS));
        for (const s of conduit.signoffs) s.signedMs = Math.min(s.signedMs, movedMs - 1000);
        conduit.row.updated_at = iso(movedMs);
      }
    }
    // A baseline meant to stall needs its 60 counted days: the latest window about three months back, or the earliest.
    const stallable = eligible.filter((w) => (windows[w] as PlannedWindow).startMs <= ctx.nowMs - 85 * DAY_MS);
    const choice = early.has(conduit.row.name) ? ((stallable.at(-1) ?? eligible[0]) as number) : rng.pick(eligible);
    const window = windows[choice] as PlannedWindow;
    const settled = Date.parse(conduit.row.updated_at);
    signCurrent(rng, conduit, settled, window.startMs - DAY_MS);
    changes.push(
      placeChange(rng, windows, choice, {
        kind: "conduit_cutover",
        title: cutoverTitle(conduit.row.name, conduit.row.revision),
        conduit: i,
        conduitRevision: conduit.row.revision,
        assetName: null,
        minutes,
        status: "done",
        createdBy: conduit.designOwner ?? engineerEmail(ctx.site.code),
        notBeforeMs: Math.max(...conduit.signoffs.map((s) => s.signedMs)),
        latestMs,
      })
    );
  }
  return changes.sort((a, b) => (a.conduit as number) - (b.conduit as number));
}

function signCurrent(rng: Random, conduit: PlannedConduit, fromMs: number, toMs: number): void {
  const revision = conduit.row.revision;
  if (conduit.designOwner) {
    conduit.signoffs.push(plannedSignoff(rng, "design_change_control", conduit.designOwner, revision, fromMs, toMs));
  }
  if (conduit.monitoringOwner) {
    conduit.signoffs.push(
      plannedSignoff(rng, "monitoring_incident_response", conduit.monitoringOwner, revision, fromMs, toMs)
    );
  }
}

/** Flows a conduit may gain in a revision after its gate, by conduit name. */
const LATER_FLOWS: Readonly<Record<string, FlowSpec>> = {
  "Engineering ↔ Supervisory": flow(
    "tcp",
    443,
    "a_to_b",
    "HTTPS: engineering workstations reach the new OT asset-management console on the SCADA servers"
  ),
};

/**
 * A conduit edited after the conduits gate (the story's `revisedAfterPass`): a new revision with one more flow,
 * signed again by both owners and cut over in a recent window, so its baseline starts a new epoch while the
 * evidence of the earlier one stays on record.
 */
function reviseAfterPass(
  ctx: PlantContext,
  conduits: PlannedConduit[],
  windows: PlannedWindow[]
): PlannedChange | null {
  const { timeline, nowMs, latestMs, plan } = ctx;
  const index = conduits.findIndex((c) => c.row.name === plan.story?.revisedAfterPass);
  const conduit = conduits[index];
  if (!conduit) return null;
  const rng = ctx.rng.fork("revision");
  const passMs = timeline.passMs[2] as number;
  const minutes = cutoverMinutes(rng);
  const candidates = windows.flatMap((w, i) =>
    usable(w) &&
    w.status === "completed" &&
    w.startMs >= passMs + 4 * DAY_MS &&
    w.endMs <= nowMs - 2 * DAY_MS &&
    fits(w, minutes)
      ? [i]
      : []
  );
  // Recent enough that the new epoch has 12 to 25 counted days.
  const recent = candidates.filter((i) => {
    const w = windows[i] as PlannedWindow;
    return w.startMs >= nowMs - 27 * DAY_MS && w.startMs <= nowMs - 14 * DAY_MS;
  });
  const choice = recent.length > 0 ? rng.pick(recent) : candidates.at(-1);
  if (choice === undefined) return null;
  const window = windows[choice] as PlannedWindow;
  const updatedMs = between(rng, passMs + DAY_MS, window.startMs - 3 * DAY_MS);
  conduit.row.revision += 1;
  conduit.row.updated_at = iso(updatedMs);
  const added = LATER_FLOWS[conduit.row.name];
  if (
    added &&
    !conduit.flows.some(
      (f) => f.protocol === added.protocol && f.port === added.port && f.direction === added.direction
    )
  ) {
    conduit.flows = [...conduit.flows, added];
  }
  signCurrent(rng, conduit, updatedMs + HOUR_MS, window.startMs - DAY_MS);
  return placeChange(rng, windows, choice, {
    kind: "conduit_cutover",
    title: cutoverTitle(conduit.row.name, conduit.row.revision),
    conduit: index,
    conduitRevision: conduit.row.revision,
    assetName: null,
    minutes,
    status: "done",
    createdBy: conduit.designOwner ?? engineerEmail(ctx.site.code),
    notBeforeMs: Math.max(...conduit.signoffs.map((s) => s.signedMs)),
    latestMs,
  });
}

function conduitDrafts(ctx: PlantContext, zones: ZonePlan[], assets: PlannedAsset[]): ConduitDraft[] {
  const { rng } = ctx;
  const has = (key: string) => zones.some((z) => z.key === key);
  const nameOf = (zoneKey: string, tag: string, n = 1) => {
    const zone = zones.find((z) => z.key === zoneKey);
    const name = zone ? `${zone.namePrefix}-${tag}-${String(n).padStart(2, "0")}` : null;
    return name && assets.some((a) => a.row.name === name)
      ? name
      : `${zone?.shortName ?? zoneKey} ${tag.toLowerCase()}`;
  };
  const supSensor = nameOf("supervisory", "SNS");
  const drafts: ConduitDraft[] = [];
  // A plant with every conduit defined keeps to ten or fewer: the optional ones come only where there is room.
  const lineZones = zones.filter((z) => z.line);
  const room = MAX_CONDUITS - (has("dmz") ? 4 : 2) - 2 * lineZones.length;
  const diode = has("dmz") && room >= 1 && rng.chance(0.5);
  const buildingConduit = has("building") && room - (diode ? 1 : 0) >= 1;

  if (has("dmz")) {
    const outer = nameOf("dmz", "FW", 1);
    const inner = nameOf("dmz", "FW", 2);
    const dmzSensor = nameOf("dmz", "SNS");
    drafts.push({
      line: null,
      extra: false,
      zoneA: "dmz",
      zoneB: "corporate",
      name: "DMZ ↔ Corporate",
      purpose:
        "Every path between the plant and corporate: historian replication out; dashboards, jump-host sessions, patches and signatures in.",
      controlType: "firewall",
      monitoringPoint: `SPAN of ${outer} outside interface → sensor ${dmzSensor}`,
      compensatingNote:
        "SL-T 3 against SL-T 1: default-deny firewall pair from two vendors, every session brokered by a DMZ host (historian replica, jump host with MFA, patch and signature relays), none ending in the plant.",
      flows: [
        flow("tcp", 5450, "a_to_b", "PI-to-PI: the DMZ historian replicates to the enterprise PI Data Archive"),
        flow("tcp", 443, "b_to_a", "HTTPS: corporate users read PI Vision displays on the DMZ historian"),
        flow("tcp", 3389, "b_to_a", "RDP to the DMZ jump host through the corporate RD Gateway, with MFA"),
        flow("tcp", 8530, "a_to_b", "WSUS: the DMZ downstream server syncs approved updates from corporate"),
        flow("tcp", 443, "a_to_b", "Antivirus: the DMZ ePO relay pulls signatures from the corporate ePO server"),
        flow("udp", 53, "a_to_b", "DNS: the DMZ resolver forwards to corporate DNS"),
        flow("udp", 123, "a_to_b", "NTP from the corporate stratum-2 servers"),
        flow("tcp", 6514, "a_to_b", "Syslog over TLS from DMZ hosts and firewalls to the OT SIEM collector"),
      ],
    });
    drafts.push({
      line: null,
      extra: false,
      zoneA: "supervisory",
      zoneB: "dmz",
      name: "Supervisory ↔ DMZ",
      purpose: "SCADA and historian traffic up to the DMZ; jump-host sessions and patching down into level 2.",
      controlType: "firewall",
      monitoringPoint: `SPAN of ${inner} inside interface → sensor ${supSensor}`,
      flows: [
        ...(diode ? [] : [flow("tcp", 5450, "a_to_b", "PI-to-PI: the site historian replicates to the DMZ historian")]),
        flow("tcp", 3389, "b_to_a", "RDP from the DMZ jump host to the SCADA servers"),
        flow("tcp", 8530, "a_to_b", "WSUS: OT servers pull approved patches from the DMZ downstream server"),
        flow("tcp", 443, "a_to_b", "Antivirus agents update from the DMZ ePO relay"),
        flow("udp", 514, "a_to_b", "Syslog from OT servers to the DMZ collector"),
        flow("udp", 161, "b_to_a", "SNMP polling from the DMZ network monitor"),
        flow("icmp", null, "b_to_a", "Ping from the DMZ network monitor"),
        flow("udp", 123, "a_to_b", "NTP from the DMZ time server"),
      ],
    });
    drafts.push({
      line: null,
      extra: false,
      zoneA: "engineering",
      zoneB: "dmz",
      name: "Engineering ↔ DMZ jump host",
      purpose: "Remote engineering sessions land on the DMZ jump host, never directly on an engineering workstation.",
      controlType: "jump_host",
      monitoringPoint: `SPAN of ${inner} engineering interface → sensor ${supSensor}`,
      flows: [
        flow("tcp", 3389, "b_to_a", "RDP from the DMZ jump host: the only way in for vendors and corporate engineers"),
        flow("tcp", 8530, "a_to_b", "WSUS: engineering workstations pull approved patches from the DMZ"),
        flow("tcp", 443, "a_to_b", "Antivirus agents update from the DMZ ePO relay"),
      ],
    });
    if (diode) {
      drafts.push({
        line: null,
        extra: true,
        zoneA: "supervisory",
        zoneB: "dmz",
        name: "Historian replication (diode)",
        purpose: "One-way historian replication to the DMZ through a hardware data diode.",
        controlType: "data_diode",
        monitoringPoint: `TAP on the diode's send side → sensor ${dmzSensor}`,
        flows: [flow("tcp", 5450, "a_to_b", "PI-to-PI replication through the diode; nothing can come back")],
      });
    }
  } else {
    const firewall = nameOf("supervisory", "FW");
    drafts.push({
      line: null,
      extra: false,
      zoneA: "supervisory",
      zoneB: "corporate",
      name: "Supervisory ↔ Corporate",
      purpose:
        "The plant's only path to corporate until a DMZ is built: historian out; jump-host sessions and patches in.",
      controlType: "firewall",
      monitoringPoint: `SPAN of ${firewall} outside interface → sensor ${supSensor}`,
      flows: [
        flow("tcp", 5450, "a_to_b", "PI-to-PI: the site historian replicates to the enterprise PI Data Archive"),
        flow("tcp", 3389, "b_to_a", "RDP to the OT jump server through the corporate RD Gateway, with MFA"),
        flow("tcp", 8530, "a_to_b", "WSUS: the OT downstream server syncs approved updates from corporate"),
        flow("udp", 123, "a_to_b", "NTP from the corporate stratum-2 servers"),
        flow("tcp", 6514, "a_to_b", "Syslog over TLS to the OT SIEM collector"),
      ],
    });
  }

  drafts.push({
    line: null,
    extra: false,
    zoneA: "engineering",
    zoneB: "supervisory",
    name: "Engineering ↔ Supervisory",
    purpose: "Engineering workstations reach the SCADA servers and the OT domain services.",
    controlType: rng.pick<ControlType>(["firewall", "router_acl"]),
    monitoringPoint: `SPAN of ${nameOf("supervisory", "SW")} engineering uplink → sensor ${supSensor}`,
    flows: [
      flow("tcp", 3389, "a_to_b", "RDP to the SCADA servers for display and alarm development"),
      flow("tcp", 445, "a_to_b", "SMB: project backups to the OT file server"),
      flow("tcp", 88, "a_to_b", "Kerberos to the OT domain controllers"),
      flow("tcp", 389, "a_to_b", "LDAP to the OT domain controllers"),
      flow("udp", 53, "a_to_b", "DNS from the OT domain controllers"),
      flow("udp", 123, "a_to_b", "NTP from the OT domain controllers"),
    ],
  });

  for (const zone of lineZones) {
    const line = zone.line as LinePlan;
    const lineAssets = assets.filter((a) => a.zoneKey === zone.key);
    const families = controllerFamilies(lineAssets);
    const switchName = nameOf(zone.key, "SW");
    const kinds = new Set(lineAssets.map((a) => a.row.kind));
    drafts.push({
      line: { number: line.number, access: "supervisory" },
      extra: false,
      zoneA: "supervisory",
      zoneB: zone.key,
      name: `Supervisory ↔ ${zone.shortName}`,
      purpose: `SCADA polling, alarms and historian collection from ${zone.shortName} (${line.area.label}).`,
      controlType: line.commissioned <= 2005 && rng.chance(0.5) ? "protocol_gateway" : "firewall",
      monitoringPoint: `SPAN of ${switchName} uplink → sensor ${supSensor}`,
      flows: dedupeFlows([
        ...families.flatMap((family) => SCADA_FLOWS[family] ?? []),
        flow("tcp", 4840, "a_to_b", "OPC UA: the historian's collector reads line data"),
        ...(kinds.has("printer")
          ? [flow("tcp", 9100, "a_to_b", "Label jobs from the MES to the line's Zebra printers (raw 9100)")]
          : []),
        flow("udp", 161, "a_to_b", "SNMP polling of the line switches"),
        flow("icmp", null, "a_to_b", "Ping from the SCADA servers for communication status"),
        flow("udp", 123, "b_to_a", NTP_IN),
      ]),
    });
    drafts.push({
      line: { number: line.number, access: "engineering" },
      extra: false,
      zoneA: "engineering",
      zoneB: zone.key,
      name: `Engineering ↔ ${zone.shortName}`,
      purpose: `Programming, downloads and diagnostics of ${zone.shortName} controllers from the engineering workstations.`,
      controlType: "firewall",
      monitoringPoint: `SPAN of ${switchName} uplink, engineering VLAN → sensor ${supSensor}`,
      flows: dedupeFlows([
        ...families.flatMap((family) => ENGINEERING_FLOWS[family] ?? []),
        ...(kinds.has("robot_controller") && lineAssets.some((a) => a.family === "fanuc")
          ? ENGINEERING_FLOWS.fanuc ?? []
          : []),
        flow("tcp", 80, "a_to_b", "HTTP diagnostics pages of drives and I/O adapters"),
        flow("icmp", null, "a_to_b", "Ping from the engineering workstations"),
      ]),
    });
  }

  if (buildingConduit) {
    drafts.push({
      line: null,
      extra: true,
      zoneA: "building",
      zoneB: "corporate",
      name: "Building systems ↔ Corporate",
      purpose: "Video and building management for corporate facilities, kept off the production network.",
      controlType: "router_acl",
      monitoringPoint: `SPAN of ${nameOf("building", "SW")} uplink → sensor ${supSensor}`,
      flows: [
        flow("tcp", 554, "b_to_a", "RTSP: the corporate video management server pulls camera streams"),
        flow(
          "tcp",
          443,
          "b_to_a",
          "HTTPS: camera and building-management server from corporate facilities (BACnet stays inside the zone)"
        ),
        flow("udp", 123, "a_to_b", "NTP from the corporate stratum-2 servers"),
      ],
    });
  }
  return drafts;
}

/** The ecosystems that make up at least a tenth of a line's controllers and HMIs, largest first. */
function controllerFamilies(lineAssets: PlannedAsset[]): VendorFamily[] {
  const counts = new Map<VendorFamily, number>();
  let total = 0;
  for (const asset of lineAssets) {
    if (!asset.family || !["plc", "safety_plc", "hmi"].includes(asset.row.kind ?? "")) continue;
    counts.set(asset.family, (counts.get(asset.family) ?? 0) + 1);
    total++;
  }
  return [...counts.entries()]
    .filter(([, n]) => n >= Math.max(2, total * 0.1))
    .sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]))
    .map(([family]) => family);
}

function dedupeFlows(flows: FlowSpec[]): FlowSpec[] {
  const seen = new Set<string>();
  return flows.filter((f) => {
    const key = `${f.protocol}/${f.port ?? "-"}/${f.direction}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
