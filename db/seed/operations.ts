import { computeBaseline, DEFAULT_BASELINE_SETTINGS, type Observation } from "../../app/domain/baseline";
import type { ChecklistCode } from "../../app/domain/readiness";
import type { SignoffPart } from "../../app/domain/signoffs";
import type { Random } from "./random";
import {
  between,
  clamp,
  DAY_MS,
  daysFrom,
  formatCount,
  HOUR_MS,
  localDate,
  localInstant,
  MINUTE_MS,
  plusDays,
  weekdayOf,
  workTimeBetween,
} from "./util";
import { fits, reserve, usable, type PlannedWindow } from "./windows";

// What happened on the floor and in the SOC once the plant's design existed: network changes in outage windows,
// the daily evidence of each conduit's baseline, checklist ticks, a waiver, alert wiring and detection rules.
// Each is dated so that a gate pass always comes after the evidence that satisfied it.

export type ChangeKind = "conduit_cutover" | "sensor_install" | "firewall_rule_change" | "active_scan";
export type ChangeStatus = "scheduled" | "done" | "needs_window" | "cancelled";

export interface PlannedChange {
  kind: ChangeKind;
  title: string;
  /** Index of the conduit in the plant's planned conduits. */
  conduit: number | null;
  conduitRevision: number | null;
  assetName: string | null;
  /** Index of the window in the plant's planned windows. */
  window: number | null;
  plannedStartMs: number | null;
  plannedMinutes: number | null;
  status: ChangeStatus;
  doneMs: number | null;
  createdBy: string;
  createdMs: number;
  updatedMs: number;
}

export interface PlannedObservation {
  conduit: number;
  day: string;
  coverage: number;
  tuples: number;
  newTuples: number;
  connections: number;
  bytes: number;
  recordedMs: number;
}

export interface PlannedTick {
  code: ChecklistCode;
  ticked: boolean;
  note: string;
  details: { pipelineName: string; retentionDays: number; itPipelineName: string } | null;
  person: string;
  atMs: number;
}

export interface PlannedWaiver {
  code: string;
  justification: string;
  person: string;
  atMs: number;
}

export interface PlannedWiring {
  conduit: number;
  revision: number;
  person: string;
  atMs: number;
  siemReference: string;
}

export interface PlannedRule {
  conduit: number;
  name: string;
  ruleClass: "unusual" | "wrong";
  description: string;
  createdBy: string;
  createdMs: number;
  reviewedBy: string | null;
  reviewedMs: number | null;
}

export interface PlannedAcceptance {
  conduit: number;
  part: SignoffPart;
  person: string;
  revision: number;
  epochStart: string;
  signedMs: number;
  note: string;
}

export interface PlantOperations {
  windows: PlannedWindow[];
  changes: PlannedChange[];
  observations: PlannedObservation[];
  ticks: PlannedTick[];
  waivers: PlannedWaiver[];
  wirings: PlannedWiring[];
  rules: PlannedRule[];
  acceptances: PlannedAcceptance[];
}

/** The story a plant's operations tell beyond what its phase implies, by conduit name where it is about one. */
export interface PlantStory {
  /** A baseline that never converges and is left stalled, waiting for both owners. */
  stalled?: string;
  /** A stalled baseline both owners accepted. */
  accepted?: string;
  /** A conduit edited after the conduits gate: new revision, new cutover, new epoch. */
  revisedAfterPass?: string;
  /** A conduit whose sensor dropped out for several days. */
  sensorGap?: string;
  /** A conduit whose sensor stopped reporting five days ago and is silent still. */
  sensorSilent?: string;
  /** Alerting plants: monitored conduits not wired yet, rules not reviewed yet (none: ready to pass). */
  unwired?: number;
  unreviewedRules?: number;
  inventoryReview?: "ticked" | "reopened";
  zoningReview?: "ticked";
  /** The zone review was ticked, reopened and ticked again before the zoning gate. */
  zoningReviewReopened?: boolean;
  /** BAS-PIPELINE recorded while the plant is still in baseline. */
  pipeline?: boolean;
  waive?: "INV-REVIEW" | "ZON-REVIEW" | "BAS-PIPELINE";
  /** Production cancelled the plant's next confirmed window; its changes need another one. */
  cancelNextWindow?: boolean;
  /** An active discovery scan run properly, inside an outage window. */
  scanInWindow?: boolean;
}

/** What the planner needs to know of a conduit. */
export interface ConduitView {
  name: string;
  monitored: boolean;
  revision: number;
  flowCount: number;
  designOwner: string | null;
  monitoringOwner: string | null;
  /** When both owners had signed the current revision, or null while a part is open. */
  signedMs: number | null;
  reachesCorporate: boolean;
}

/** What the planner needs to know of an asset; its row may be amended (an authorized active scan). */
export interface AssetView {
  zoneKey: string;
  row: {
    name: string;
    kind?: string | null;
    vendor?: string | null;
    model?: string | null;
    criticality?: string | null;
    status: string;
    discovery_source: string;
    discovered_at: string;
    created_at: string;
    updated_at: string;
  };
}

export interface OperationsInput {
  rng: Random;
  code: string;
  timeZone: string;
  phaseIndex: number;
  passMs: readonly number[];
  kickoffMs: number;
  nowMs: number;
  latestMs: number;
  /** The plant's engineers, its own first. */
  engineers: readonly string[];
  leads: readonly string[];
  security: readonly string[];
  windows: PlannedWindow[];
  conduits: readonly ConduitView[];
  /** Changes already planned with the conduits: the cutovers before the conduits gate. */
  changes: readonly PlannedChange[];
  assets: readonly AssetView[];
  zoneCount: number;
  inventoried: number;
  retentionDays: number;
  story: PlantStory;
}

const OT_PIPELINE_PREFIX = "ot-siem-";
const IT_PIPELINE = "corp-it-siem";
const SOURCE = "sensor_pipeline";
/** The demo's silent sensor sent its last observation this many days before yesterday. */
const SILENT_DAYS = 5;

function otPipelineName(code: string): string {
  return `${OT_PIPELINE_PREFIX}${code.toLowerCase()}`;
}

/** Minutes a conduit cutover is planned for: rules applied, flows verified, rollback ready. */
export function cutoverMinutes(rng: Random): number {
  return rng.int(3, 8) * 10;
}

/** Puts a change into a window's next free slot; a done change finishes inside the window. */
export function placeChange(
  rng: Random,
  windows: PlannedWindow[],
  windowIndex: number,
  spec: {
    kind: ChangeKind;
    title: string;
    conduit: number | null;
    conduitRevision: number | null;
    assetName: string | null;
    minutes: number;
    status: "done" | "scheduled";
    createdBy: string;
    /** The change is written no earlier than this (e.g. after the conduit was signed). */
    notBeforeMs: number;
    latestMs: number;
  }
): PlannedChange {
  const window = windows[windowIndex];
  if (!window) throw new Error(`No window ${windowIndex}.`);
  const plannedStartMs = reserve(window, spec.minutes);
  const doneMs =
    spec.status === "done" ? plannedStartMs + Math.round(spec.minutes * (0.6 + rng.next() * 0.4)) * MINUTE_MS : null;
  const from = Math.max(spec.notBeforeMs, window.createdMs);
  const createdMs = between(rng, from, Math.max(from, Math.min(window.startMs - 2 * HOUR_MS, spec.latestMs)));
  const updatedMs =
    doneMs === null ? createdMs : Math.max(createdMs, Math.min(doneMs + rng.int(5, 90) * MINUTE_MS, spec.latestMs));
  return {
    kind: spec.kind,
    title: spec.title,
    conduit: spec.conduit,
    conduitRevision: spec.conduitRevision,
    assetName: spec.assetName,
    window: windowIndex,
    plannedStartMs,
    plannedMinutes: spec.minutes,
    status: spec.status,
    doneMs,
    createdBy: spec.createdBy,
    createdMs,
    updatedMs,
  };
}

export function cutoverTitle(name: string, revision: number): string {
  return `Cut over “${name}” (revision ${revision})`;
}

function indices(windows: readonly PlannedWindow[], keep: (w: PlannedWindow) => boolean): number[] {
  return windows.flatMap((w, i) => (keep(w) ? [i] : []));
}

export function planOperations(input: OperationsInput): PlantOperations {
  const changes = [...input.changes];
  changes.push(...planConduitsPhaseCutovers(input));
  changes.push(...planOtherChanges(input, changes));
  if (input.story.cancelNextWindow) cancelNextWindow(input, changes);
  const { observations, baselines } = planObservations(input, changes);
  const acceptances = planAcceptances(input, baselines);
  const { wirings, rules } = planAlerting(input, baselines);
  const { ticks, waivers } = planChecklist(input);
  return { windows: input.windows, changes, observations, ticks, waivers, wirings, rules, acceptances };
}

// ---------------------------------------------------------------------------------------------------------------
// Network changes.

/**
 * A plant still defining its conduits cuts each one over once both owners signed it: the earliest signed are
 * done, the latest wait for the next confirmed window, and some are not scheduled yet.
 */
function planConduitsPhaseCutovers(input: OperationsInput): PlannedChange[] {
  const { rng, windows, conduits, nowMs, latestMs } = input;
  if (input.phaseIndex !== 2) return [];
  const rngCut = rng.fork("cutovers");
  const signed = conduits
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.signedMs !== null)
    .sort((a, b) => (a.c.signedMs as number) - (b.c.signedMs as number) || a.i - b.i);
  const changes: PlannedChange[] = [];
  signed.forEach(({ c, i }, order) => {
    const signedMs = c.signedMs as number;
    const minutes = cutoverMinutes(rngCut);
    const past = indices(
      windows,
      (w) => usable(w) && w.status === "completed" && w.startMs >= signedMs + DAY_MS && fits(w, minutes)
    );
    const future = indices(
      windows,
      (w) =>
        usable(w) &&
        w.status === "confirmed" &&
        w.startMs > nowMs + 12 * HOUR_MS &&
        w.startMs >= signedMs + DAY_MS &&
        fits(w, minutes)
    );
    const roll = rngCut.next();
    const first = order === 0;
    const last = order === signed.length - 1 && signed.length > 1;
    let choice: "done" | "scheduled" | "none";
    if (past.length > 0 && (first || (!last && roll < 0.6))) choice = "done";
    else if (future.length > 0 && (last || roll < 0.85)) choice = "scheduled";
    else choice = "none";
    if (choice === "none") return;
    const pool = choice === "done" ? past : future.slice(0, 3);
    changes.push(
      placeChange(rngCut, windows, rngCut.pick(pool), {
        kind: "conduit_cutover",
        title: cutoverTitle(c.name, c.revision),
        conduit: i,
        conduitRevision: c.revision,
        assetName: null,
        minutes,
        status: choice,
        createdBy: c.designOwner ?? (input.engineers[0] as string),
        notBeforeMs: signedMs,
        latestMs,
      })
    );
  });
  return changes;
}

function sensorName(assets: readonly AssetView[], zoneKey: string): string | null {
  return assets.find((a) => a.zoneKey === zoneKey && /-SNS-\d+$/.test(a.row.name))?.row.name ?? null;
}

function planOtherChanges(input: OperationsInput, planned: readonly PlannedChange[]): PlannedChange[] {
  const { windows, conduits, assets, nowMs, latestMs, kickoffMs, passMs, phaseIndex } = input;
  const rng = input.rng.fork("changes");
  const engineer = input.engineers[0] as string;
  const changes: PlannedChange[] = [];
  const firstCutoverMs = Math.min(
    ...planned
      .filter((c) => c.kind === "conduit_cutover" && c.plannedStartMs !== null)
      .map((c) => c.plannedStartMs as number),
    Number.POSITIVE_INFINITY
  );
  const pick = (keep: (w: PlannedWindow) => boolean, minutes: number, which: "first" | "last" | "any" = "first") => {
    const found = indices(windows, (w) => usable(w) && keep(w) && fits(w, minutes));
    if (found.length === 0) return null;
    return which === "first" ? (found[0] as number) : which === "last" ? (found.at(-1) as number) : rng.pick(found);
  };
  const nextConfirmed = (w: PlannedWindow) => w.status === "confirmed" && w.startMs > nowMs + 12 * HOUR_MS;
  const add = (
    windowIndex: number | null,
    spec: Omit<Parameters<typeof placeChange>[3], "latestMs" | "notBeforeMs"> & { notBeforeMs?: number }
  ) => {
    if (windowIndex === null) return;
    changes.push(placeChange(rng, windows, windowIndex, { notBeforeMs: kickoffMs, ...spec, latestMs }));
  };

  // Passive sensors come first: the inventory itself is collected through them.
  const supervisorySensor = sensorName(assets, "supervisory");
  add(
    pick((w) => w.status === "completed" && w.startMs >= kickoffMs + 3 * DAY_MS && w.endMs < firstCutoverMs, 90),
    {
      kind: "sensor_install",
      title: `Passive sensor ${supervisorySensor ?? ""} on the supervisory core switch SPAN`.replace("  ", " "),
      conduit: null,
      conduitRevision: null,
      assetName: supervisorySensor,
      minutes: 90,
      status: "done",
      createdBy: engineer,
    }
  );
  const dmzSensor = sensorName(assets, "dmz");
  if (phaseIndex >= 2 && dmzSensor) {
    add(
      pick(
        (w) => w.status === "completed" && w.startMs >= (passMs[0] as number) && w.endMs < firstCutoverMs,
        60,
        "any"
      ),
      {
        kind: "sensor_install",
        title: `DMZ sensor ${dmzSensor} and TAP on the outer firewall`,
        conduit: null,
        conduitRevision: null,
        assetName: dmzSensor,
        minutes: 60,
        status: "done",
        createdBy: engineer,
      }
    );
  }

  // A conduit without a monitoring point waits for its SPAN session.
  if (phaseIndex === 2) {
    conduits.forEach((c, i) => {
      if (c.monitored) return;
      add(pick(nextConfirmed, 45), {
        kind: "sensor_install",
        title: `SPAN session for the monitoring point of “${c.name}”`,
        conduit: i,
        conduitRevision: null,
        assetName: supervisorySensor,
        minutes: 45,
        status: "scheduled",
        createdBy: engineer,
        notBeforeMs: Math.max(kickoffMs, nowMs - 14 * DAY_MS),
      });
    });
  }

  // Firewall clean-up once the baselines showed what really crosses.
  const conduitNamed = (pattern: RegExp) => conduits.findIndex((c) => pattern.test(c.name));
  if (phaseIndex >= 4) {
    const boundary = conduits.findIndex((c) => c.reachesCorporate);
    add(
      pick((w) => w.status === "completed" && w.startMs > (passMs[3] as number) - 14 * DAY_MS, 40, "any"),
      {
        kind: "firewall_rule_change",
        title: "Remove the legacy any-any rule left from the pre-program firewall",
        conduit: boundary >= 0 ? boundary : null,
        conduitRevision: null,
        assetName: null,
        minutes: 40,
        status: "done",
        createdBy: engineer,
        notBeforeMs: (passMs[3] as number) - 21 * DAY_MS,
      }
    );
    const jump = conduitNamed(/jump host/);
    add(pick(nextConfirmed, 30), {
      kind: "firewall_rule_change",
      title: "Limit RDP to the jump host to the two RD Gateway addresses",
      conduit: jump >= 0 ? jump : null,
      conduitRevision: null,
      assetName: null,
      minutes: 30,
      status: "scheduled",
      createdBy: engineer,
      notBeforeMs: nowMs - 10 * DAY_MS,
    });
  }
  if (input.story.stalled) {
    const stalled = conduits.findIndex((c) => c.name === input.story.stalled);
    add(pick(nextConfirmed, 45), {
      kind: "firewall_rule_change",
      title: `Restrict the patch and antivirus flows of “${input.story.stalled}” to the two DMZ relays`,
      conduit: stalled >= 0 ? stalled : null,
      conduitRevision: null,
      assetName: null,
      minutes: 45,
      status: "scheduled",
      createdBy: engineer,
      notBeforeMs: nowMs - 7 * DAY_MS,
    });
  }

  // Active scans: the one run without a window (the inventory gate says so), and one run properly.
  const scanned = assets.filter((a) => a.row.discovery_source === "active_scan");
  if (scanned.length > 0) {
    const scanMs = Math.min(...scanned.map((a) => Date.parse(a.row.discovered_at)));
    if (!windows.some((w) => usable(w) && w.startMs <= scanMs && scanMs <= w.endMs)) {
      const createdMs = Math.min(scanMs + rng.int(1, 3) * DAY_MS, latestMs);
      changes.push({
        kind: "active_scan",
        title: `Discovery scan from a maintenance laptop, run without an outage window (${scanned.length} devices answered)`,
        conduit: null,
        conduitRevision: null,
        assetName: scanned[0]?.row.name ?? null,
        window: null,
        plannedStartMs: null,
        plannedMinutes: null,
        status: "done",
        doneMs: scanMs,
        createdBy: engineer,
        createdMs,
        updatedMs: createdMs,
      });
    }
  }
  if (input.story.scanInWindow) {
    const w = pick((w) => w.status === "completed" && w.startMs >= kickoffMs + 7 * DAY_MS, 60, "last");
    const targets = assets
      .filter(
        (a) =>
          a.zoneKey.startsWith("line-") &&
          a.row.status === "confirmed" &&
          a.row.discovery_source !== "active_scan" &&
          a.row.kind === "io_adapter" &&
          a.row.vendor &&
          a.row.model &&
          a.row.criticality
      )
      .slice(0, 3);
    if (w !== null && targets.length > 0) {
      const change = placeChange(rng, windows, w, {
        kind: "active_scan",
        title: "Authorized active discovery of the line I/O network while the line was down",
        conduit: null,
        conduitRevision: null,
        assetName: targets[0]?.row.name ?? null,
        minutes: 60,
        status: "done",
        createdBy: engineer,
        notBeforeMs: kickoffMs,
        latestMs,
      });
      changes.push(change);
      // The devices that only answered the scan: found inside the window, between its start and its end.
      const found = new Date(between(rng, change.plannedStartMs as number, change.doneMs as number)).toISOString();
      for (const asset of targets) {
        asset.row.discovery_source = "active_scan";
        asset.row.discovered_at = found;
        asset.row.created_at = found;
        if (asset.row.updated_at < found) asset.row.updated_at = found;
      }
    }
  }
  return changes;
}

/** Production takes back the plant's next confirmed window: its changes are flagged, not moved. */
function cancelNextWindow(input: OperationsInput, changes: PlannedChange[]): void {
  const { windows, nowMs, latestMs, rng } = input;
  const index = windows.findIndex((w) => usable(w) && w.status === "confirmed" && w.startMs > nowMs + 12 * HOUR_MS);
  const window = windows[index];
  if (!window) return;
  window.status = "cancelled";
  window.notes =
    "Cancelled by production: the Line 3 rebuild slipped into this weekend. Its changes need another window.";
  window.updatedMs = Math.max(window.createdMs, latestMs - rng.int(20, 60) * HOUR_MS);
  for (const change of changes) {
    if (change.window !== index) continue;
    change.status = "needs_window";
    change.updatedMs = Math.max(change.createdMs, window.updatedMs);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Baseline evidence: one observation per monitored conduit per plant-local day, from the day after its cutover.

interface Profile {
  /** `converging` sees its last new tuple on a counted day and none after; `sporadic` never stops seeing some. */
  kind: "converging" | "sporadic";
  /** Counted day of the last new tuple (converging) or of the end of the first burst (sporadic). */
  burst: number;
  /** Counted days that must be reached by a day, whatever the sensor does. */
  need: { counted: number; by: string } | null;
  gap: { from: string; days: number } | null;
}

export interface BaselineFacts {
  epochStart: string;
  matureOn: string | null;
  /** The recording instant of the observation that made it mature. */
  matureRecordedMs: number | null;
  /** The day the 60th counted day was reached without maturity. */
  stalledOn: string | null;
  status: string;
  countedDays: number;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** New tuples per counted day: a burst on the first day, decaying to nothing, with a straggler now and then. */
function decay(rng: Random, distinct: number, days: number): number[] {
  const seq = [Math.max(1, Math.round(distinct * (0.45 + rng.next() * 0.25)))];
  for (let i = 1; i < days; i++) seq.push(Math.floor((seq[i - 1] as number) * (0.35 + rng.next() * 0.45) + rng.next()));
  for (let i = 1; i < days - 1; i++) if (seq[i] === 0 && rng.chance(0.15)) seq[i] = 1;
  seq[days - 1] = Math.max(1, seq[days - 1] as number);
  return seq;
}

function planObservations(
  input: OperationsInput,
  changes: readonly PlannedChange[]
): { observations: PlannedObservation[]; baselines: Map<number, BaselineFacts> } {
  const { conduits, timeZone, nowMs, latestMs, passMs, phaseIndex, story } = input;
  const settings = DEFAULT_BASELINE_SETTINGS;
  const yesterday = plusDays(localDate(nowMs, timeZone), -1);
  // A plant that passed its baseline gate had every baseline mature a day before the pass was recorded.
  const deadline = phaseIndex >= 4 ? plusDays(localDate(passMs[3] as number, timeZone), -2) : null;
  const observations: PlannedObservation[] = [];
  const baselines = new Map<number, BaselineFacts>();

  conduits.forEach((conduit, i) => {
    if (!conduit.monitored) return;
    const rng = input.rng.fork(`observations:${i}`);
    const cutovers = changes
      .filter((c) => c.kind === "conduit_cutover" && c.conduit === i && c.status === "done" && c.doneMs !== null)
      .sort((a, b) => (a.doneMs as number) - (b.doneMs as number));
    if (cutovers.length === 0) return;
    const current = cutovers.filter((c) => c.conduitRevision === conduit.revision).at(-1);

    // The conduit's scale: distinct flow tuples, daily connections, bytes per connection.
    const line = /↔ Line \d/.test(conduit.name);
    const distinct = clamp(conduit.flowCount * rng.int(4, 14) * (line ? 3 : 1), 4, 420);
    const connectionsPerDay = line ? rng.int(40_000, 350_000) : rng.int(1_500, 60_000);
    const bytesPerConnection = rng.int(600, 9_000);
    const mine: PlannedObservation[] = [];

    cutovers.forEach((cutover, e) => {
      const from = plusDays(localDate(cutover.doneMs as number, timeZone), 1);
      const next = cutovers[e + 1];
      // The next cutover's day still belongs to this epoch: the new one starts the day after.
      const to = next ? localDate(next.doneMs as number, timeZone) : yesterday;
      const counted = cutover === current;
      const end = counted && conduit.name === story.sensorSilent ? plusDays(yesterday, -SILENT_DAYS) : yesterday;
      const last = to > end ? end : to;
      if (from > last) return;
      const length = daysFrom(from, last) + 1;
      const counting = counted;
      let profile: Profile;
      if (counting && (conduit.name === story.stalled || conduit.name === story.accepted)) {
        profile = {
          kind: "sporadic",
          burst: rng.int(18, 23),
          need: { counted: settings.stallDays, by: plusDays(yesterday, -6) },
          gap: null,
        };
      } else if (counting && deadline) {
        profile = {
          kind: "converging",
          burst: rng.int(6, 22),
          need: { counted: settings.matureDays, by: deadline },
          gap: null,
        };
      } else {
        const gap =
          counting && conduit.name === story.sensorGap && length >= 26
            ? { from: plusDays(from, rng.int(10, length - 12)), days: rng.int(4, 6) }
            : null;
        profile = { kind: "converging", burst: rng.chance(0.25) ? rng.int(24, 34) : rng.int(6, 22), need: null, gap };
      }
      if (profile.need && daysFrom(from, profile.need.by) + 1 < profile.need.counted) {
        throw new Error(
          `${input.code}: “${conduit.name}” was cut over on ${localDate(
            cutover.doneMs as number,
            timeZone
          )}, too late to reach ${profile.need.counted} counted days by ${profile.need.by}.`
        );
      }
      mine.push(
        ...epochObservations(rng, i, from, last, profile, {
          distinct,
          connectionsPerDay,
          bytesPerConnection,
          timeZone,
          latestMs,
        })
      );
    });
    observations.push(...mine);

    if (!current) return;
    const baseline = computeBaseline(
      {
        monitored: true,
        cutoverCompletedAt: new Date(current.doneMs as number).toISOString(),
        timeZone,
        observations: mine.map(
          (o): Observation => ({
            day: o.day,
            coverage: o.coverage,
            tuples: o.tuples,
            newTuples: o.newTuples,
            connections: o.connections,
            bytes: o.bytes,
            source: SOURCE,
          })
        ),
        accepted: false,
      },
      new Date(nowMs).toISOString(),
      settings
    );
    if (!baseline.epochStart) return;
    const epochDays = mine.filter((o) => o.day >= (baseline.epochStart as string));
    const countedDays = epochDays.filter((o) => o.coverage >= settings.coverageThreshold);
    const stalledOn = baseline.matureOn === null ? countedDays[settings.stallDays - 1]?.day ?? null : null;
    const facts: BaselineFacts = {
      epochStart: baseline.epochStart,
      matureOn: baseline.matureOn,
      matureRecordedMs: epochDays.find((o) => o.day === baseline.matureOn)?.recordedMs ?? null,
      stalledOn,
      status: baseline.status,
      countedDays: baseline.countedDays,
    };
    if (deadline && (facts.matureOn === null || facts.matureOn > deadline)) {
      throw new Error(`${input.code}: “${conduit.name}” is not mature by ${deadline}, before its baseline gate pass.`);
    }
    if ((conduit.name === story.stalled || conduit.name === story.accepted) && facts.status !== "stalled") {
      throw new Error(`${input.code}: “${conduit.name}” was meant to stall but is ${facts.status}.`);
    }
    baselines.set(i, facts);
  });
  return { observations, baselines };
}

function epochObservations(
  rng: Random,
  conduit: number,
  from: string,
  to: string,
  profile: Profile,
  scale: { distinct: number; connectionsPerDay: number; bytesPerConnection: number; timeZone: string; latestMs: number }
): PlannedObservation[] {
  const rows: PlannedObservation[] = [];
  const burst = decay(rng, scale.distinct, profile.burst);
  const matureAt = Math.max(
    DEFAULT_BASELINE_SETTINGS.matureDays,
    profile.burst + DEFAULT_BASELINE_SETTINGS.convergenceDays
  );
  let counted = 0;
  let seen = 0;
  let matured = false;
  let nextNovel = profile.burst + rng.int(2, 5);
  for (let day = from; day <= to; day = plusDays(day, 1)) {
    if (profile.gap && day >= profile.gap.from && daysFrom(profile.gap.from, day) < profile.gap.days) continue;
    const need = profile.need;
    const lowAllowed = !need || day > need.by || daysFrom(day, need.by) >= need.counted - counted;
    const low = lowAllowed && rng.chance(0.05);
    const coverage = low ? round3(0.3 + rng.next() * 0.58) : rng.chance(0.4) ? 1 : round3(0.93 + rng.next() * 0.069);
    let fresh = 0;
    if (!low) {
      counted += 1;
      if (counted <= profile.burst) fresh = burst[counted - 1] as number;
      else if (profile.kind === "sporadic" && counted === nextNovel) {
        fresh = rng.int(1, 3);
        nextNovel += rng.int(2, 5);
      } else if (profile.kind === "converging" && matured && rng.chance(0.025)) fresh = rng.int(1, 2);
    } else if (counted < profile.burst) {
      fresh = Math.floor((burst[counted] as number) * coverage * (0.2 + rng.next() * 0.5));
    }
    seen += fresh;
    const weekend = weekdayOf(day) === 7 ? 0.7 : 1;
    const share = low ? coverage : 1;
    const tuples = Math.min(seen, Math.max(fresh, Math.round(seen * share * (0.78 + rng.next() * 0.19))));
    const connections = Math.round(scale.connectionsPerDay * coverage * weekend * (0.85 + rng.next() * 0.3));
    rows.push({
      conduit,
      day,
      coverage,
      tuples,
      newTuples: fresh,
      connections,
      bytes: Math.round(connections * scale.bytesPerConnection * (0.8 + rng.next() * 0.45)),
      // The sensor pipeline closes a day at 04:00 plant time the next morning (clear of any DST change at 02:00).
      recordedMs: Math.min(localInstant(plusDays(day, 1), 4, rng.int(0, 59), scale.timeZone), scale.latestMs),
    });
    if (!low && counted === matureAt && profile.kind === "converging") matured = true;
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Joint acceptance of a stalled baseline, alert wiring and detection rules.

function planAcceptances(input: OperationsInput, baselines: Map<number, BaselineFacts>): PlannedAcceptance[] {
  const { conduits, story, timeZone, latestMs } = input;
  if (!story.accepted) return [];
  const index = conduits.findIndex((c) => c.name === story.accepted);
  const conduit = conduits[index];
  const facts = baselines.get(index);
  if (!conduit || !facts?.stalledOn || !conduit.designOwner || !conduit.monitoringOwner) return [];
  const rng = input.rng.fork("acceptance");
  const fromMs = localInstant(plusDays(facts.stalledOn, 1), 8, 0, timeZone);
  const designMs = workTimeBetween(rng, fromMs, Math.min(fromMs + 4 * DAY_MS, latestMs - 4 * HOUR_MS), timeZone);
  const securityMs = workTimeBetween(
    rng,
    designMs + HOUR_MS,
    Math.min(designMs + 3 * DAY_MS, latestMs - HOUR_MS),
    timeZone
  );
  const common = { conduit: index, revision: conduit.revision, epochStart: facts.epochStart };
  return [
    {
      ...common,
      part: "design_change_control",
      person: conduit.designOwner,
      signedMs: designMs,
      note: "Residual novelty is vendor remote sessions landing on the jump host: one to three new RDP tuples a week, each tied to a vendor-access ticket. That is how this conduit normally behaves.",
    },
    {
      ...common,
      part: "monitoring_incident_response",
      person: conduit.monitoringOwner,
      signedMs: securityMs,
      note: "Accepted: each new jump-host session is triaged by the 'unusual' rule against the open vendor-access tickets.",
    },
  ];
}

interface RuleTemplate {
  name: string;
  ruleClass: "unusual" | "wrong";
  description: string;
}

function rulesFor(name: string): RuleTemplate[] {
  const rules: RuleTemplate[] = [
    {
      name: "New flow inside the allowed flows",
      ruleClass: "unusual",
      description:
        "A host or service the baseline has not seen, on a protocol and port the conduit allows. Notify the plant's on-shift engineer; triage within one business day.",
    },
    {
      name: "Flow outside the allowed flows",
      ruleClass: "wrong",
      description:
        "Any protocol, port or direction the conduit does not allow is a policy violation: open an incident.",
    },
  ];
  if (/^Engineering ↔ Line/.test(name)) {
    rules.push({
      name: "Controller download outside an outage window",
      ruleClass: "wrong",
      description:
        "A program download or online edit from an engineering workstation while no scheduled outage window is open.",
    });
  } else if (/^Supervisory ↔ Line/.test(name)) {
    rules.push({
      name: "New write source to the line controllers",
      ruleClass: "unusual",
      description:
        "A host other than the SCADA servers writing tags on the line's controllers. Triage with the plant before escalating.",
    });
  } else if (/Corporate/.test(name)) {
    rules.push({
      name: "RDP into the plant not through the RD Gateway",
      ruleClass: "wrong",
      description: "Remote desktop from any corporate address other than the RD Gateway pair.",
    });
  } else if (/jump host/.test(name)) {
    rules.push({
      name: "Jump-host session without a vendor-access ticket",
      ruleClass: "unusual",
      description: "RDP from the jump host with no vendor-access ticket open for that hour.",
    });
  } else if (/diode/.test(name)) {
    rules.push({
      name: "Any packet back across the diode",
      ruleClass: "wrong",
      description: "The diode only sends; anything seen on its receive side towards the plant is an incident.",
    });
  }
  return rules;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function planAlerting(
  input: OperationsInput,
  baselines: Map<number, BaselineFacts>
): { wirings: PlannedWiring[]; rules: PlannedRule[] } {
  const { conduits, story, timeZone, passMs, latestMs, phaseIndex } = input;
  if (phaseIndex < 4) return { wirings: [], rules: [] };
  const rng = input.rng.fork("alerting");
  const monitored = conduits.flatMap((c, i) => (c.monitored ? [i] : []));
  const unwired = new Set(rng.sample(monitored, Math.min(story.unwired ?? 0, monitored.length)));
  const wirings: PlannedWiring[] = [];
  const rules: PlannedRule[] = [];
  for (const i of monitored) {
    if (unwired.has(i)) continue;
    const conduit = conduits[i] as ConduitView;
    const facts = baselines.get(i);
    if (!facts?.matureRecordedMs)
      throw new Error(`${input.code}: “${conduit.name}” has no mature baseline to wire alerts on.`);
    const fromMs = Math.max((passMs[3] as number) + 2 * HOUR_MS, facts.matureRecordedMs + HOUR_MS);
    const atMs = workTimeBetween(rng, fromMs, latestMs - 3 * HOUR_MS, timeZone);
    const wiredBy = conduit.monitoringOwner ?? rng.pick(input.security);
    wirings.push({
      conduit: i,
      revision: conduit.revision,
      person: wiredBy,
      atMs,
      siemReference: `${otPipelineName(input.code)}:${slug(conduit.name)}`,
    });
    for (const template of rulesFor(conduit.name)) {
      const createdMs = between(rng, atMs, Math.min(atMs + 2 * DAY_MS, latestMs - 2 * HOUR_MS));
      const reviewedMs = workTimeBetween(
        rng,
        createdMs + HOUR_MS,
        Math.min(createdMs + 5 * DAY_MS, latestMs - HOUR_MS),
        timeZone
      );
      rules.push({
        conduit: i,
        ...template,
        createdBy: rng.chance(0.6) ? wiredBy : rng.pick(input.security),
        createdMs,
        reviewedBy: conduit.designOwner ?? (input.engineers[0] as string),
        reviewedMs,
      });
    }
  }
  for (const rule of rng.sample(rules, Math.min(story.unreviewedRules ?? 0, rules.length))) {
    rule.reviewedBy = null;
    rule.reviewedMs = null;
  }
  return { wirings, rules };
}

// ---------------------------------------------------------------------------------------------------------------
// Checklist ticks and waivers.

function planChecklist(input: OperationsInput): { ticks: PlannedTick[]; waivers: PlannedWaiver[] } {
  const { story, timeZone, passMs, phaseIndex, kickoffMs, nowMs, latestMs } = input;
  const rng = input.rng.fork("checklist");
  const engineer = input.engineers[0] as string;
  const lead = input.leads[0] as string;
  const at = (fromMs: number, toMs: number) => workTimeBetween(rng, fromMs, toMs, timeZone);
  const ticks: PlannedTick[] = [];
  const tick = (
    code: ChecklistCode,
    ticked: boolean,
    note: string,
    person: string,
    atMs: number,
    details: PlannedTick["details"] = null
  ) => ticks.push({ code, ticked, note, person, atMs, details });

  const inventoryNote = `Walked the inventory with maintenance: ${formatCount(
    input.inventoried
  )} assets confirmed, staged hosts triaged to zero.`;
  if (phaseIndex >= 1) {
    const pass = passMs[0] as number;
    tick(
      "INV-REVIEW",
      true,
      inventoryNote,
      engineer,
      at(Math.max(kickoffMs + 14 * DAY_MS, pass - 12 * DAY_MS), pass - DAY_MS)
    );
  } else if (story.inventoryReview === "ticked") {
    tick(
      "INV-REVIEW",
      true,
      "Inventory reviewed line by line with maintenance; the hosts the new sensor keeps staging are triaged separately.",
      engineer,
      at(Math.max(kickoffMs + 10 * DAY_MS, nowMs - 20 * DAY_MS), latestMs - DAY_MS)
    );
  } else if (story.inventoryReview === "reopened") {
    const tickedMs = at(Math.max(kickoffMs + 7 * DAY_MS, nowMs - 24 * DAY_MS), nowMs - 16 * DAY_MS);
    tick("INV-REVIEW", true, "Inventory reviewed with maintenance and the controls contractor.", engineer, tickedMs);
    tick(
      "INV-REVIEW",
      false,
      "Reopened: the Line 3 sensor has surfaced new hosts since the review; review again once they are triaged.",
      engineer,
      at(Math.max(tickedMs + DAY_MS, nowMs - 8 * DAY_MS), latestMs - DAY_MS)
    );
  }

  const zoningNote = `Zone design walked through with production and corporate security: ${input.zoneCount} zones, SL-T agreed on each.`;
  if (phaseIndex >= 2) {
    const pass = passMs[1] as number;
    const start = (passMs[0] as number) + DAY_MS;
    if (story.zoningReviewReopened) {
      const first = at(Math.max(start, pass - 30 * DAY_MS), pass - 20 * DAY_MS);
      const reopened = at(Math.max(first + DAY_MS, pass - 16 * DAY_MS), pass - 8 * DAY_MS);
      tick("ZON-REVIEW", true, "Zone design reviewed with production.", engineer, first);
      tick(
        "ZON-REVIEW",
        false,
        "Reopened: the robot cell on Line 2 belongs in its own sub-zone; redrawing before the design is final.",
        engineer,
        reopened
      );
      tick(
        "ZON-REVIEW",
        true,
        `Re-reviewed after the robot-cell split. ${zoningNote}`,
        engineer,
        at(Math.max(reopened + DAY_MS, pass - 5 * DAY_MS), pass - DAY_MS)
      );
    } else {
      tick("ZON-REVIEW", true, zoningNote, engineer, at(Math.max(start, pass - 12 * DAY_MS), pass - DAY_MS));
    }
  } else if (phaseIndex === 1 && story.zoningReview === "ticked") {
    tick(
      "ZON-REVIEW",
      true,
      zoningNote,
      engineer,
      at(Math.max((passMs[0] as number) + 7 * DAY_MS, nowMs - 14 * DAY_MS), latestMs - DAY_MS)
    );
  }

  const details = {
    pipelineName: otPipelineName(input.code),
    retentionDays: input.retentionDays,
    itPipelineName: IT_PIPELINE,
  };
  const pipelineNote = `OT telemetry goes to its own pipeline ${details.pipelineName} with ${details.retentionDays}-day retention, apart from ${IT_PIPELINE}.`;
  if (phaseIndex >= 4) {
    const pass = passMs[3] as number;
    tick(
      "BAS-PIPELINE",
      true,
      pipelineNote,
      rng.chance(0.5) ? lead : engineer,
      at(Math.max((passMs[2] as number) + 3 * DAY_MS, pass - 20 * DAY_MS), pass - DAY_MS),
      details
    );
  } else if (phaseIndex === 3 && story.pipeline) {
    tick(
      "BAS-PIPELINE",
      true,
      pipelineNote,
      lead,
      at(Math.max((passMs[2] as number) + 3 * DAY_MS, nowMs - 15 * DAY_MS), latestMs - DAY_MS),
      details
    );
  }

  const waivers: PlannedWaiver[] = [];
  if (story.waive) {
    const atMs = at(Math.max(kickoffMs, nowMs - 12 * DAY_MS), latestMs - DAY_MS);
    const workshop = localDate(atMs - rng.int(5, 12) * DAY_MS, timeZone);
    const back = localDate(nowMs + rng.int(30, 45) * DAY_MS, timeZone);
    waivers.push({
      code: story.waive,
      person: lead,
      atMs,
      justification:
        `The review was held on ${workshop} with production, corporate security and the regional controls engineer; the minutes are filed with the program. ` +
        `The plant engineer who ticks it is on leave until ${back}. Waived so the gate does not wait on the tick alone; the engineer confirms the review on return.`,
    });
  }
  return { ticks, waivers };
}
