import { DateTime } from "luxon";
import type { AuditEventView } from "./audit-filters";

// A plant's history as people read it: the acts that moved it (gates passed, signoffs given, revoked and gone stale,
// cutovers, waivers, alerts wired) from the audit trail, and the moments its baselines matured or stalled, which no
// one records: they follow from the evidence, so they are derived from it. Newest first, grouped by month.

/** The audit actions a plant's history shows. A change done counts only when it is a conduit cutover. */
export const HISTORY_ACTIONS = [
  "gate.pass",
  "signoff.sign",
  "signoff.revoke",
  "conduit.edit",
  "ownership_split.edit",
  "change.done",
  "criterion.waive",
  "criterion.unwaive",
  "conduit.wire_alerts",
] as const;

export type HistoryKind = "gate" | "signoff" | "stale" | "revoked" | "cutover" | "waiver" | "alerts" | "baseline";

export interface HistoryEntry {
  key: string;
  at: string;
  kind: HistoryKind;
  /** What happened, in two or three words: "Gate passed", "Signoffs went stale". */
  label: string;
  summary: string;
  /** Who did it, as the trail names them; null for what follows from the evidence. */
  who: string | null;
}

const ACTION_ENTRIES: Record<string, { kind: HistoryKind; label: string }> = {
  "gate.pass": { kind: "gate", label: "Gate passed" },
  "signoff.sign": { kind: "signoff", label: "Signoff given" },
  "signoff.revoke": { kind: "revoked", label: "Signoff revoked" },
  "conduit.edit": { kind: "stale", label: "New revision: signoffs went stale" },
  "ownership_split.edit": { kind: "stale", label: "Split revised: signoffs went stale" },
  "change.done": { kind: "cutover", label: "Cutover done" },
  "criterion.waive": { kind: "waiver", label: "Waiver granted" },
  "criterion.unwaive": { kind: "waiver", label: "Waiver revoked" },
  "conduit.wire_alerts": { kind: "alerts", label: "Alerts wired" },
};

export function historyEntryOf(event: AuditEventView): HistoryEntry {
  const shown = ACTION_ENTRIES[event.action] ?? { kind: "signoff" as const, label: event.action };
  // A first split is written, not revised: no signoff went stale.
  const firstSplit = event.action === "ownership_split.edit" && / wrote the ownership split /.test(event.summary);
  const label =
    event.action === "signoff.sign" && event.objectType === "baseline_acceptance"
      ? "Baseline accepted"
      : firstSplit
      ? "Split written"
      : shown.label;
  return {
    key: `e${event.seq}`,
    at: event.at,
    kind: event.action === "signoff.sign" && event.objectType === "baseline_acceptance" ? "baseline" : shown.kind,
    label,
    summary: event.summary,
    who: event.actorLabel,
  };
}

export interface BaselineMomentsInput {
  id: number;
  name: string;
  matureOn: string | null;
  stalledOn: string | null;
}

/** The end of a plant-local day, as a UTC instant: a baseline matures or stalls with that day's evidence. */
function endOfLocalDay(day: string, timeZone: string): string {
  return DateTime.fromISO(day, { zone: timeZone }).endOf("day").toUTC().toISO()!;
}

/** When each conduit's current baseline matured or stalled, derived from its evidence. */
export function baselineMoments(
  conduits: readonly BaselineMomentsInput[],
  timeZone: string,
  thresholds: { matureDays: number; stallDays: number }
): HistoryEntry[] {
  return conduits.flatMap((c): HistoryEntry[] => {
    if (c.matureOn) {
      return [
        {
          key: `m${c.id}`,
          at: endOfLocalDay(c.matureOn, timeZone),
          kind: "baseline",
          label: "Baseline mature",
          summary: `The baseline of “${c.name}” matured on ${c.matureOn}: ${thresholds.matureDays} counted days or more, and nothing new for the last of them`,
          who: null,
        },
      ];
    }
    if (c.stalledOn) {
      return [
        {
          key: `s${c.id}`,
          at: endOfLocalDay(c.stalledOn, timeZone),
          kind: "baseline",
          label: "Baseline stalled",
          summary: `The baseline of “${c.name}” stalled on ${c.stalledOn}: ${thresholds.stallDays} counted days without maturing; both owners must accept it`,
          who: null,
        },
      ];
    }
    return [];
  });
}

const newestFirst = (a: HistoryEntry, b: HistoryEntry) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0);

/**
 * One page of the history: `events` are the trail's entries newest first, at least the first `offset + limit` of
 * them; `derived` the moments that follow from evidence. Equal instants keep the trail's entries first.
 */
export function historyPage(
  events: readonly HistoryEntry[],
  derived: readonly HistoryEntry[],
  offset: number,
  limit: number
): HistoryEntry[] {
  const merged: HistoryEntry[] = [];
  const moments = [...derived].sort(newestFirst);
  let i = 0;
  let j = 0;
  while (merged.length < offset + limit && (i < events.length || j < moments.length)) {
    const event = events[i];
    const moment = moments[j];
    if (event && (!moment || event.at >= moment.at)) {
      merged.push(event);
      i += 1;
    } else {
      merged.push(moment!);
      j += 1;
    }
  }
  return merged.slice(offset);
}

export interface HistoryMonth {
  /** "2026-11" */
  key: string;
  /** "November 2026" */
  title: string;
  entries: HistoryEntry[];
}

/** Entries (newest first) grouped by the plant-local month they happened in. */
export function groupByMonth(entries: readonly HistoryEntry[], timeZone: string): HistoryMonth[] {
  const months: HistoryMonth[] = [];
  for (const entry of entries) {
    const local = DateTime.fromISO(entry.at, { zone: "utc" }).setZone(timeZone);
    const key = local.toFormat("yyyy-LL");
    let month = months.at(-1);
    if (month?.key !== key) {
      month = { key, title: local.toFormat("LLLL yyyy"), entries: [] };
      months.push(month);
    }
    month.entries.push(entry);
  }
  return months;
}
