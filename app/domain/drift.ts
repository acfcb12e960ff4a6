import { daysBetween, localDay } from "./calendar";
import { can, type Permission, type Principal } from "./permissions";
import type { ObjectRef } from "./readiness";
import { refusal, type ActRefusal } from "./refusals";
import {
  PART_LABELS,
  PART_PERMISSION,
  SIGNOFF_PARTS,
  signerRefusals,
  type Signer,
  type SignoffPart,
  type SignRefusalCode,
} from "./signoffs";
import type { PlantPhase } from "./vocabulary";

// A live plant stays true, or says it drifted. Once the plant passed its last gate (alerting live) it is judged
// continuously: each rule below is a function over plain facts returning findings with a stable code, the objects
// at fault and a sentence naming what resolves it. A plant not live yet is not judged.

export const DRIFT_CODES = [
  "DRIFT-WRONG-FLOWS",
  "DRIFT-EDITED-AFTER-WIRING",
  "DRIFT-SIGNOFF-AGED",
  "DRIFT-UNZONED-ASSETS",
  "DRIFT-SENSOR-SILENT",
  "DRIFT-RULE-UNREVIEWED",
] as const;
export type DriftCode = (typeof DRIFT_CODES)[number];

export const DRIFT_TITLES: Record<DriftCode, string> = {
  "DRIFT-WRONG-FLOWS": "Wrong flows left unacknowledged",
  "DRIFT-EDITED-AFTER-WIRING": "Conduit edited after its alerts were wired",
  "DRIFT-SIGNOFF-AGED": "Signoff due for recertification",
  "DRIFT-UNZONED-ASSETS": "Assets in no zone",
  "DRIFT-SENSOR-SILENT": "Sensor stopped reporting",
  "DRIFT-RULE-UNREVIEWED": "Detection rule not reviewed",
};

/** A sensor that reported nothing for more days than this on a live conduit is silent. */
const SENSOR_SILENT_DAYS = 3;

/** The program settings the rules read (program_setting; edited on /settings). */
export interface DriftSettings {
  /** Days a wrong flow may stay unacknowledged on a live conduit. */
  wrongFlowDays: number;
  /** Months after which a signoff must be signed again. */
  recertificationMonths: number;
  /** Days within which a detection rule must be reviewed (again). */
  ruleReviewDays: number;
}

export const DEFAULT_DRIFT_SETTINGS: DriftSettings = {
  wrongFlowDays: 7,
  recertificationMonths: 12,
  ruleReviewDays: 90,
};

export interface DriftConduitFacts {
  id: number;
  name: string;
  revision: number;
  /** The revision the conduit's latest alert wiring watched; null when alerts were never wired (not live). */
  wiredRevision: number | null;
  wiredAt: string | null;
  designOwnerId: number | null;
  monitoringOwnerId: number | null;
  /** The parts whose owners accepted the edit at the current revision (drift_acceptance). */
  acceptedParts: readonly SignoffPart[];
  /** Unacknowledged policy violations (wrong flows) and when the oldest was first seen. */
  wrongFlows: number;
  oldestWrongFlowSince: string | null;
  /** The latest plant-local day of an observation, or of published flow hours; null when none. */
  lastReportDay: string | null;
}

export interface DriftSignoffFacts {
  subjectType: "conduit" | "ownership_split";
  subjectId: number;
  /** "Conduit “Cell ↔ DMZ”", "The ownership split". */
  subjectLabel: string;
  part: SignoffPart;
  /** The newest standing signoff of the part at the subject's current revision. */
  signedAt: string;
  signedBy: string;
}

export interface DriftRuleFacts {
  id: number;
  name: string;
  conduitId: number;
  conduitName: string;
  createdAt: string;
  reviewedAt: string | null;
}

export interface PlantDriftFacts {
  plantId: number;
  code: string;
  timeZone: string;
  conduits: readonly DriftConduitFacts[];
  signoffs: readonly DriftSignoffFacts[];
  unzonedAssets: { count: number; examples: readonly { id: number; name: string }[] };
  rules: readonly DriftRuleFacts[];
}

/** Who resolves a finding: the holders of a permission at the plant, narrowed to a part's signers or named people. */
export interface DriftResolver {
  permission: Permission;
  /** The part whose signers resolve it (a signoff to sign again, an acceptance to give). */
  part?: SignoffPart;
  /** Only these people (a conduit's owners who have not accepted yet); absent: anyone holding the permission. */
  personIds?: readonly number[];
}

export interface DriftFinding {
  code: DriftCode;
  objects: ObjectRef[];
  message: string;
  /** Where it is fixed, relative to the app. */
  href: string;
  resolvers: DriftResolver[];
}

export type DriftStatus = "live" | "live_drifting";

export const DRIFT_STATUS_LABELS: Record<DriftStatus, string> = { live: "Live", live_drifting: "Live, drifting" };

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const conduitRef = (c: { id: number; name: string }): ObjectRef => ({ type: "conduit", id: c.id, label: c.name });
const conduitHref = (code: string, id: number, anchor: string) => `/plants/${code}/conduits/${id}${anchor}`;
const live = (facts: PlantDriftFacts) => facts.conduits.filter((c) => c.wiredRevision !== null);

/** Whole days from an instant's UTC day to the plant's today. */
function ageDays(since: string, today: string): number {
  return daysBetween(since.slice(0, 10), today);
}

/** The instant `months` calendar months before `now` (UTC; a month-end is clamped). */
export function monthsBefore(now: string, months: number): string {
  const d = new Date(now);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString();
}

/** DRIFT-WRONG-FLOWS: a live conduit carries wrong flows left unacknowledged for more than the allowed days. */
export function wrongFlowDrift(facts: PlantDriftFacts, settings: DriftSettings, now: string): DriftFinding[] {
  const today = localDay(now, facts.timeZone);
  return live(facts)
    .filter((c) => c.wrongFlows > 0 && c.oldestWrongFlowSince !== null)
    .filter((c) => ageDays(c.oldestWrongFlowSince!, today) > settings.wrongFlowDays)
    .map((c) => ({
      code: "DRIFT-WRONG-FLOWS",
      objects: [conduitRef(c)],
      message: `Live conduit “${c.name}” carries ${plural(
        c.wrongFlows,
        "wrong flow"
      )} unacknowledged, the oldest for ${plural(ageDays(c.oldestWrongFlowSince!, today), "day")} (more than ${
        settings.wrongFlowDays
      }): acknowledge them on the plant's violations page.`,
      href: `/plants/${facts.code}/violations`,
      resolvers: [{ permission: "acknowledge:violation" }],
    }));
}

/**
 * DRIFT-EDITED-AFTER-WIRING: a conduit edited after its alerts were wired, until its alerts are wired again at the
 * current revision or both owners accept the edit at it.
 */
export function editedAfterWiringDrift(facts: PlantDriftFacts): DriftFinding[] {
  return live(facts)
    .filter((c) => c.revision > c.wiredRevision!)
    .filter((c) => !SIGNOFF_PARTS.every((part) => c.acceptedParts.includes(part)))
    .map((c) => {
      const missing = SIGNOFF_PARTS.filter((part) => !c.acceptedParts.includes(part));
      const owners = missing.flatMap((part) => {
        const id = part === "design_change_control" ? c.designOwnerId : c.monitoringOwnerId;
        return id === null ? [] : [id];
      });
      return {
        code: "DRIFT-EDITED-AFTER-WIRING",
        objects: [conduitRef(c)],
        message: `Conduit “${c.name}” is at revision ${c.revision}, edited after its alerts were wired at revision ${
          c.wiredRevision
        }: wire its alerts again, or both owners accept the edit (${missing
          .map((p) => PART_LABELS[p].toLowerCase())
          .join(" and ")} still to accept).`,
        href: conduitHref(facts.code, c.id, "#drift"),
        resolvers: [
          ...missing.map((part) => ({ permission: PART_PERMISSION[part], part, personIds: owners })),
          { permission: "wire:alerts" },
        ],
      };
    });
}

/** DRIFT-SIGNOFF-AGED: a standing signoff older than the recertification period must be signed again. */
export function agedSignoffDrift(facts: PlantDriftFacts, settings: DriftSettings, now: string): DriftFinding[] {
  const cutoff = monthsBefore(now, settings.recertificationMonths);
  return facts.signoffs
    .filter((s) => s.signedAt < cutoff)
    .map((s) => ({
      code: "DRIFT-SIGNOFF-AGED",
      objects:
        s.subjectType === "conduit"
          ? [{ type: "conduit", id: s.subjectId, label: s.subjectLabel }]
          : [{ type: "plant", id: facts.plantId, label: `${facts.code} ownership split` }],
      message: `${s.subjectLabel.replace(/^./, (ch) => ch.toUpperCase())} was signed for ${PART_LABELS[
        s.part
      ].toLowerCase()} by ${s.signedBy} on ${s.signedAt.slice(0, 10)}, more than ${plural(
        settings.recertificationMonths,
        "month"
      )} ago: ${PART_LABELS[s.part].toLowerCase()} signs it again (revoke the aged signature and sign).`,
      href:
        s.subjectType === "conduit"
          ? conduitHref(facts.code, s.subjectId, "#owners")
          : `/plants/${facts.code}#ownership`,
      resolvers: [{ permission: PART_PERMISSION[s.part], part: s.part }],
    }));
}

/** DRIFT-UNZONED-ASSETS: confirmed inventory in no zone. */
export function unzonedAssetDrift(facts: PlantDriftFacts): DriftFinding[] {
  const { count, examples } = facts.unzonedAssets;
  if (count === 0) return [];
  return [
    {
      code: "DRIFT-UNZONED-ASSETS",
      objects: examples.map((a) => ({ type: "asset", id: a.id, label: a.name })),
      message: `${plural(count, "confirmed asset is", "confirmed assets are")} in no zone (${examples
        .map((a) => a.name)
        .join(", ")}${count > examples.length ? ", …" : ""}): place each in a zone.`,
      href: `/plants/${facts.code}/assets#assets`,
      resolvers: [{ permission: "edit:plant" }],
    },
  ];
}

/** DRIFT-SENSOR-SILENT: a live conduit's sensor reported nothing for more than SENSOR_SILENT_DAYS days. */
export function silentSensorDrift(facts: PlantDriftFacts, now: string): DriftFinding[] {
  const today = localDay(now, facts.timeZone);
  return live(facts).flatMap((c): DriftFinding[] => {
    const last = c.lastReportDay ?? (c.wiredAt ? localDay(c.wiredAt, facts.timeZone) : null);
    if (last === null || daysBetween(last, today) <= SENSOR_SILENT_DAYS) return [];
    return [
      {
        code: "DRIFT-SENSOR-SILENT",
        objects: [conduitRef(c)],
        message: `The sensor of live conduit “${c.name}” has reported nothing since ${last} (${plural(
          daysBetween(last, today),
          "day"
        )}, more than ${SENSOR_SILENT_DAYS}): bring it back so its evidence is recorded again.`,
        href: conduitHref(facts.code, c.id, "#baseline"),
        resolvers: [{ permission: "write:observations" }],
      },
    ];
  });
}

/** DRIFT-RULE-UNREVIEWED: a detection rule not reviewed within the review period (or never, and that old). */
export function unreviewedRuleDrift(facts: PlantDriftFacts, settings: DriftSettings, now: string): DriftFinding[] {
  const today = now.slice(0, 10);
  return facts.rules
    .filter((r) => ageDays(r.reviewedAt ?? r.createdAt, today) > settings.ruleReviewDays)
    .map((r) => ({
      code: "DRIFT-RULE-UNREVIEWED",
      objects: [
        { type: "conduit", id: r.conduitId, label: r.conduitName },
        // The rule itself is named in the sentence; its conduit's page holds the review.
      ],
      message: `Detection rule “${r.name}” on “${r.conduitName}” ${
        r.reviewedAt ? `was last reviewed on ${r.reviewedAt.slice(0, 10)}` : "was never reviewed"
      }, more than ${plural(settings.ruleReviewDays, "day")} ago: plant engineering reviews it.`,
      href: conduitHref(facts.code, r.conduitId, "#alerts"),
      resolvers: [{ permission: "review:rule" }],
    }));
}

/** Every drift finding of a live plant at `now`, in the codes' order. */
export function plantDrift(facts: PlantDriftFacts, settings: DriftSettings, now: string): DriftFinding[] {
  return [
    ...wrongFlowDrift(facts, settings, now),
    ...editedAfterWiringDrift(facts),
    ...agedSignoffDrift(facts, settings, now),
    ...unzonedAssetDrift(facts),
    ...silentSensorDrift(facts, now),
    ...unreviewedRuleDrift(facts, settings, now),
  ];
}

/** A complete plant is live, or live and drifting; a plant not live yet has no drift status (null). */
export function driftStatus(phase: PlantPhase, findings: readonly DriftFinding[]): DriftStatus | null {
  if (phase !== "complete") return null;
  return findings.length === 0 ? "live" : "live_drifting";
}

/** Whether a person can resolve a finding at the plant: holds a resolver's permission there, and is among its people. */
export function resolves(
  finding: DriftFinding,
  person: Principal & { personId: number | null },
  plantId: number
): boolean {
  return finding.resolvers.some(
    (r) =>
      can(person, r.permission, plantId) &&
      (r.personIds === undefined || (person.personId !== null && r.personIds.includes(person.personId)))
  );
}

/** A plant's drift as lists and pages show it. */
export interface PlantDriftSummary {
  status: DriftStatus;
  findings: DriftFinding[];
}

/** Live plants healthy and drifting, as the rollup counts them. */
export function driftCounts(statuses: readonly (DriftStatus | null)[]): { live: number; drifting: number } {
  return {
    live: statuses.filter((s) => s === "live").length,
    drifting: statuses.filter((s) => s === "live_drifting").length,
  };
}

// ——— accepting a conduit's edit after wiring ———

export type DriftAcceptRefusalCode = SignRefusalCode | "not_live" | "not_edited" | "revision_moved" | "accepted";

export interface DriftAcceptanceFacts {
  part: SignoffPart;
  signer: Signer;
  conduit: {
    name: string;
    revision: number;
    wiredRevision: number | null;
    designOwner: { id: number; name: string } | null;
    monitoringOwner: { id: number; name: string } | null;
  };
  /** The revision the person read and accepts. */
  revision: number;
  acceptedParts: readonly SignoffPart[];
}

/**
 * Whether a person may accept, for their part, that a live conduit's alerts keep watching it after an edit: the
 * part's signer (the same rule as signing, signerRefusals), its assigned owner when one is, at the revision read.
 */
export function driftAcceptanceRefusals(facts: DriftAcceptanceFacts): ActRefusal<DriftAcceptRefusalCode>[] {
  const { part, signer, conduit } = facts;
  const who = signerRefusals(part, signer);
  if (who.length > 0) return who;
  const owner = part === "design_change_control" ? conduit.designOwner : conduit.monitoringOwner;
  if (owner && owner.id !== signer.personId) {
    return [refusal("not_owner", 403, `Only the assigned owner, ${owner.name}, accepts this part.`)];
  }
  if (conduit.wiredRevision === null) {
    return [refusal("not_live", 409, `Conduit “${conduit.name}” has no alerts wired: there is no drift to accept.`)];
  }
  if (facts.revision !== conduit.revision) {
    return [
      refusal(
        "revision_moved",
        409,
        `Conduit “${conduit.name}” changed since you read it: it is now at revision ${conduit.revision}. Review it and accept again.`
      ),
    ];
  }
  if (conduit.revision <= conduit.wiredRevision) {
    return [refusal("not_edited", 409, `Conduit “${conduit.name}” was not edited after its alerts were wired.`)];
  }
  if (facts.acceptedParts.includes(part)) {
    return [
      refusal(
        "accepted",
        409,
        `The ${PART_LABELS[part].toLowerCase()} part already accepted revision ${conduit.revision} of “${
          conduit.name
        }”.`
      ),
    ];
  }
  return [];
}

/** The reason given with an acceptance: read, or the field's problem. */
export function readAcceptanceReason(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const value = raw.trim();
  if (value.length < 10)
    return { ok: false, message: "Say why the alerts still hold after this edit (at least 10 characters)." };
  if (value.length > 1000) return { ok: false, message: "Keep the reason under 1000 characters." };
  return { ok: true, value };
}

// ——— the queue on /me ———

/** Every permission that resolves some drift finding: a person holding none of them at a plant has nothing to do there. */
export const DRIFT_PERMISSIONS: readonly Permission[] = [
  "acknowledge:violation",
  "sign:design",
  "sign:monitoring",
  "wire:alerts",
  "edit:plant",
  "write:observations",
  "review:rule",
];

export interface DriftQueueItem {
  plantCode: string;
  code: DriftCode;
  title: string;
  message: string;
  href: string;
}

/** The drift findings a person can resolve, plant by plant in the order given, each with where it is fixed. */
export function driftToResolve(
  plants: readonly { plantId: number; code: string; findings: readonly DriftFinding[] }[],
  person: Principal & { personId: number | null }
): DriftQueueItem[] {
  return plants.flatMap((p) =>
    p.findings
      .filter((f) => resolves(f, person, p.plantId))
      .map((f) => ({ plantCode: p.code, code: f.code, title: DRIFT_TITLES[f.code], message: f.message, href: f.href }))
  );
}

/** One kind of finding of a plant, where a list of plants shows it: how many, and where to go to fix them. */
export interface DriftReason {
  code: DriftCode;
  count: number;
  /** Where the finding is fixed when there is one; the plant's drift section when there are several. */
  href: string;
  /** The finding's sentence when there is one; a count when there are several. */
  message: string;
}

/**
 * A plant's findings by code, in the order their codes first appear: what a list of plants shows (a live plant with
 * twenty aged signoffs is one reason, counted, not twenty lines). The plant's page lists every finding.
 */
export function driftReasons(
  plantCode: string,
  findings: readonly { code: DriftCode; message: string; href: string }[]
): DriftReason[] {
  const byCode = new Map<DriftCode, { first: { message: string; href: string }; count: number }>();
  for (const f of findings) {
    const seen = byCode.get(f.code);
    if (seen) seen.count++;
    else byCode.set(f.code, { first: f, count: 1 });
  }
  return [...byCode].map(([code, { first, count }]) =>
    count === 1
      ? { code, count, href: first.href, message: first.message }
      : { code, count, href: `/plants/${plantCode}#drift`, message: `${count} findings; the plant's page lists each.` }
  );
}

/** A plant's drift as lists of plants carry it: its status and its reasons by code. */
export interface ListedDrift {
  status: DriftStatus;
  reasons: DriftReason[];
}

/** What a list of plants carries of a plant's drift (its reasons by code; the plant page has every finding). */
export function listedDrift(
  plantCode: string,
  drift: { status: DriftStatus; findings: readonly { code: DriftCode; message: string; href: string }[] } | null
): ListedDrift | null {
  return drift && { status: drift.status, reasons: driftReasons(plantCode, drift.findings) };
}
