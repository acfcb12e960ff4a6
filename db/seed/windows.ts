import { DateTime } from "luxon";
import type { Random } from "./random";
import { between, DAY_MS, HOUR_MS, localDate, localInstant, MINUTE_MS, plusDays, weekdayOf } from "./util";

// Outage windows of one demo plant: a regular weekend night, weekly while the plant cuts its conduits over,
// every other week otherwise; blackouts over the plant's production peaks; past windows completed (a few
// cancelled), the next six weeks confirmed, the rest planned. Wall-clock times are the plant's, so a window
// across a DST change lasts an hour more or less than its neighbours.

export type WindowKind = "scheduled_outage" | "blackout";
export type WindowStatus = "planned" | "confirmed" | "completed" | "cancelled";

export interface PlannedWindow {
  title: string;
  kind: WindowKind;
  status: WindowStatus;
  startMs: number;
  endMs: number;
  notes: string | null;
  createdBy: string;
  createdMs: number;
  updatedMs: number;
  /** Part of the weekly run of windows a plant schedules while it cuts its conduits over. */
  campaign: boolean;
  /** Minutes already promised to changes, setup and hand-back included. */
  usedMinutes: number;
}

/** Changes start after the crew has taken the line down and stop before it is handed back to production. */
const SETUP_MINUTES = 30;
const HANDBACK_MINUTES = 20;
const BETWEEN_CHANGES = 10;

/** Days ahead a window is confirmed; beyond, it is planned. */
const CONFIRMED_HORIZON_DAYS = 42;
/** Days ahead windows are planned at all. */
const PLANNING_HORIZON_DAYS = 90;

interface Season {
  title: string;
  notes: string;
  from: readonly [month: number, day: number];
  to: readonly [month: number, day: number];
}

/** Production peaks during which nothing may change on the network, by plant. */
const PEAKS: Readonly<Record<string, readonly Season[]>> = {
  DAY: [
    {
      title: "Model-year changeover — change freeze",
      notes: "New model-year drivetrain parts ramp on every line; no network change until the launch is signed off.",
      from: [7, 6],
      to: [7, 26],
    },
  ],
  KOK: [
    {
      title: "Model-year changeover — change freeze",
      notes:
        "Transmission model-year launch: lines re-tooled and in ramp-up, controls changes only through the launch team.",
      from: [7, 13],
      to: [8, 2],
    },
  ],
  PEO: [
    {
      title: "Year-end shipping push — change freeze",
      notes:
        "Dealers' year-end orders ship from every line; production asked for no outage until the last truck leaves.",
      from: [12, 1],
      to: [12, 21],
    },
  ],
  FTW: [
    {
      title: "Cooling-season peak — change freeze",
      notes: "Rooftop units for the summer season run three shifts, seven days; no planned downtime.",
      from: [5, 18],
      to: [6, 14],
    },
  ],
  ALN: [
    {
      title: "Summer peak — change freeze",
      notes: "Fourth of July volumes: both fillers run around the clock.",
      from: [6, 20],
      to: [7, 7],
    },
  ],
  GRY: [
    {
      title: "Holiday peak — change freeze",
      notes: "Holiday roast season: the plant runs Saturdays and the boning lines cannot stop.",
      from: [11, 16],
      to: [12, 23],
    },
  ],
  FRE: [
    {
      title: "Tomato pack season — change freeze",
      notes: "Harvest is processed as it arrives, day and night; nothing stops the evaporators until the pack ends.",
      from: [7, 15],
      to: [10, 10],
    },
  ],
};

const CANCEL_REASONS: readonly string[] = [
  "Cancelled by production: the line stayed up to recover a missed shipment.",
  "Cancelled: the controls contractor could not staff the night.",
  "Cancelled: storm warning, the plant ran a skeleton crew that weekend.",
  "Cancelled: customer audit on site that weekend.",
  "Cancelled: a press rebuild took the maintenance crew.",
];

export interface WindowPlanInput {
  rng: Random;
  code: string;
  timeZone: string;
  createdMs: number;
  nowMs: number;
  latestMs: number;
  /** Instants of the plant's gate passes, in phase order. */
  passMs: readonly number[];
  phaseIndex: number;
  /** Who writes windows: the plant's engineers, sometimes a program lead. */
  engineers: readonly string[];
  leads: readonly string[];
  /** Instants no scheduled window may contain (an active scan that was run without one). */
  avoid: readonly number[];
}

export function planWindows(input: WindowPlanInput): PlannedWindow[] {
  const { rng, timeZone, createdMs, nowMs, latestMs, passMs, phaseIndex } = input;
  const horizonMs = nowMs + PLANNING_HORIZON_DAYS * DAY_MS;
  const firstMs = createdMs + 7 * DAY_MS;
  const author = () => (rng.chance(0.8) ? rng.pick(input.engineers) : rng.pick(input.leads));

  const windows: PlannedWindow[] = [];
  const statusOf = (startMs: number, endMs: number): WindowStatus =>
    endMs <= nowMs
      ? "completed"
      : startMs <= nowMs || startMs <= nowMs + CONFIRMED_HORIZON_DAYS * DAY_MS
      ? "confirmed"
      : "planned";
  const stamps = (startMs: number, endMs: number, status: WindowStatus) => {
    const createdAt = Math.min(Math.max(createdMs + HOUR_MS, startMs - rng.int(14, 45) * DAY_MS), latestMs - HOUR_MS);
    let updatedAt = createdAt;
    if (status === "completed") updatedAt = Math.min(endMs + rng.int(1, 30) * HOUR_MS, latestMs);
    else if (status === "confirmed") updatedAt = between(rng, createdAt, Math.min(startMs, latestMs));
    else if (status === "cancelled") updatedAt = between(rng, createdAt, Math.min(startMs - DAY_MS, latestMs));
    return { createdMs: createdAt, updatedMs: Math.max(createdAt, updatedAt) };
  };

  // Blackouts first: scheduled windows never fall inside one.
  for (const season of PEAKS[input.code] ?? []) {
    const firstYear = DateTime.fromMillis(firstMs, { zone: timeZone }).year;
    const lastYear = DateTime.fromMillis(horizonMs, { zone: timeZone }).year;
    for (let year = firstYear; year <= lastYear; year++) {
      const fromDay = DateTime.fromObject({ year, month: season.from[0], day: season.from[1] }).toISODate() as string;
      const toDay = DateTime.fromObject({ year, month: season.to[0], day: season.to[1] }).toISODate() as string;
      const startMs = localInstant(fromDay, 6, 0, timeZone);
      const endMs = localInstant(toDay, 22, 0, timeZone);
      if (startMs < firstMs || startMs > horizonMs) continue;
      const status = statusOf(startMs, endMs);
      windows.push({
        title: season.title,
        kind: "blackout",
        status,
        startMs,
        endMs,
        notes: season.notes,
        createdBy: rng.chance(0.5) ? rng.pick(input.leads) : (input.engineers[0] as string),
        ...stamps(startMs, endMs, status),
        campaign: false,
        usedMinutes: 0,
      });
    }
  }
  const blackouts = windows.slice();

  // The plant's regular night: Saturday into Sunday, or Sunday into Monday before the first shift.
  const saturday = rng.chance(0.5);
  const weekday = saturday ? 6 : 7;
  const startHour = rng.pick(saturday ? [21, 22] : [22, 22, 23]);
  const endHour = saturday ? rng.pick([5, 6]) : 4;
  const title = saturday ? "Saturday night maintenance window" : "Sunday night outage";
  const parity = rng.int(0, 1);
  // Weekly while conduits are cut over: from a fortnight before zoning closes until the conduits gate.
  const campaignFrom = phaseIndex >= 2 ? (passMs[1] as number) - 14 * DAY_MS : Number.POSITIVE_INFINITY;
  const campaignTo = phaseIndex >= 3 ? (passMs[2] as number) : horizonMs;

  let day = localDate(firstMs, timeZone);
  while (weekdayOf(day) !== weekday) day = plusDays(day, 1);
  for (let week = 0; ; week++, day = plusDays(day, 7)) {
    const startMs = localInstant(day, startHour, 0, timeZone);
    if (startMs > horizonMs) break;
    const endMs = localInstant(plusDays(day, 1), endHour, 0, timeZone);
    const campaign = startMs >= campaignFrom && startMs <= campaignTo;
    if (!campaign && week % 2 !== parity) continue;
    if (blackouts.some((b) => b.startMs < endMs && startMs < b.endMs)) continue;
    if (input.avoid.some((ms) => startMs <= ms && ms <= endMs)) continue;
    let status = statusOf(startMs, endMs);
    let notes: string | null = null;
    if (!campaign && status === "completed" && rng.chance(0.08)) {
      status = "cancelled";
      notes = rng.pick(CANCEL_REASONS);
    } else if (!campaign && status === "confirmed" && startMs > nowMs && rng.chance(0.05)) {
      status = "cancelled";
      notes = rng.pick(CANCEL_REASONS);
    }
    windows.push({
      title: campaign ? "Conduit cutover window" : title,
      kind: "scheduled_outage",
      status,
      startMs,
      endMs,
      notes,
      createdBy: author(),
      ...stamps(startMs, endMs, status),
      campaign,
      usedMinutes: 0,
    });
  }
  return windows.sort((a, b) => a.startMs - b.startMs);
}

function windowMinutes(window: PlannedWindow): number {
  return Math.round((window.endMs - window.startMs) / MINUTE_MS);
}

/** Whether a change of that length still fits in the window, after what is already promised. */
export function fits(window: PlannedWindow, minutes: number): boolean {
  return SETUP_MINUTES + window.usedMinutes + minutes + HANDBACK_MINUTES <= windowMinutes(window);
}

/** Promises the next free slot of the window to a change; its planned start. */
export function reserve(window: PlannedWindow, minutes: number): number {
  if (!fits(window, minutes)) throw new Error(`A ${minutes}-minute change does not fit in “${window.title}”.`);
  const startMs = window.startMs + (SETUP_MINUTES + window.usedMinutes) * MINUTE_MS;
  window.usedMinutes += minutes + BETWEEN_CHANGES;
  return startMs;
}

/** A usable window for network changes: a scheduled outage that was not cancelled. */
export function usable(window: PlannedWindow): boolean {
  return window.kind === "scheduled_outage" && window.status !== "cancelled";
}
