import { factKey, urgentNotice, type Notice, type NotificationKind } from "./notifications";
import type {
  acceptancesToGive,
  alertsToWire,
  gatesToPass,
  plantsPastTarget,
  QueueConduit,
  signoffsToGive,
} from "./queue";
import type { OldestBlocker } from "./rollup";
import { PART_LABELS } from "./signoffs";
import { PHASE_LABELS } from "./vocabulary";

// What each person is told, decided from the same rules as their queue (/me): every notice of the queue's kinds is
// an item of the person's queue, so a notification and the queue never disagree. The kinds the queue does not hold
// (a window tomorrow, a silent sensor, an ageing blocker) are facts the notifier reads, told to the people this file
// names. Each notice carries its fact key: the same fact is never told twice to the same person.

/** A sensor counts as silent after this many days without an observation. */
export const SILENT_AFTER_DAYS = 3;
/** A window is told this long before it starts. */
export const WINDOW_NOTICE_HOURS = 24;
/** A blocker is told when it has been open this many days. */
export const BLOCKER_AGES = [14, 30] as const;

/** The queue of one person, as loadQueue gives it, restricted to what notices are made of. */
export interface QueueForNotices {
  signoffs: ReturnType<typeof signoffsToGive>;
  gates: ReturnType<typeof gatesToPass>;
  targets: ReturnType<typeof plantsPastTarget>;
  wiring: ReturnType<typeof alertsToWire>;
  acceptances: ReturnType<typeof acceptancesToGive>;
  changes: readonly { id: number; plantCode: string; title: string; todo: "schedule" | "close" }[];
  staged: readonly { plantCode: string; count: number; escalated: number }[];
  conduits: readonly QueueConduit[];
}

/** What a person's queue notices need besides the queue: plants by code, cut-over conduits, each plant's today. */
export interface NoticeContext {
  personId: number;
  plantIds: ReadonlyMap<string, number>;
  /** Conduits whose current revision was cut over (a done cutover change). */
  cutOver: ReadonlySet<number>;
  /** The plant-local day at each plant, by code. */
  today: ReadonlyMap<string, string>;
}

const quoted = (name: string) => `“${name}”`;
const capital = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

function notice(
  ctx: NoticeContext,
  kind: NotificationKind,
  plantCode: string,
  subject: string,
  edition: string | number,
  text: { title: string; body: string; href: string },
  cutOver = false
): Notice {
  return {
    kind,
    personId: ctx.personId,
    plantId: ctx.plantIds.get(plantCode) ?? null,
    plantCode,
    factKey: factKey(kind, subject, edition),
    ...text,
    urgent: urgentNotice(kind, cutOver),
  };
}

/** The notices a person's queue makes: one per item of the kinds notifications tell. */
export function queueNotices(queue: QueueForNotices, ctx: NoticeContext): Notice[] {
  const notices: Notice[] = [];
  const conduits = new Map(queue.conduits.map((c) => [c.id, c]));

  for (const s of queue.signoffs) {
    const what = s.subjectType === "conduit" ? `conduit ${quoted(s.subjectName)}` : "the ownership split";
    const part = PART_LABELS[s.part].toLowerCase();
    const subject = `${s.subjectType}:${s.subjectId}:${s.part}`;
    if (s.status === "stale") {
      const cutOver = s.subjectType === "conduit" && ctx.cutOver.has(s.subjectId);
      notices.push(
        notice(
          ctx,
          "signoff.stale",
          s.plantCode,
          subject,
          `r${s.revision}`,
          {
            title: `Your signoff of ${what} went stale`,
            body:
              `${capital(what)} changed after you signed it (${part}); revision ` +
              `${s.revision} needs your signature.${
                cutOver ? " It is already cut over: the running network is no longer what was signed." : ""
              }`,
            href: s.href,
          },
          cutOver
        )
      );
    } else {
      notices.push(
        notice(ctx, "signoff.needed", s.plantCode, subject, `r${s.revision}`, {
          title: `${capital(what)} waits for your signature`,
          body: `Revision ${s.revision} of ${what} needs your ${part} signoff.`,
          href: s.href,
        })
      );
    }
  }

  for (const g of queue.gates) {
    if (g.phase === "complete") continue;
    notices.push(
      notice(ctx, "gate.ready", g.plantCode, `plant:${g.plantCode}:${g.phase}`, g.phase, {
        title: `The ${PHASE_LABELS[g.phase].toLowerCase()} gate is ready to pass`,
        body: `Every criterion of the ${PHASE_LABELS[g.phase].toLowerCase()} gate is met; it can be passed now.`,
        href: `/plants/${g.plantCode}#gates`,
      })
    );
  }

  for (const t of queue.targets) {
    notices.push(
      notice(ctx, "gate.overdue", t.plantCode, `plant:${t.plantCode}:${t.phase}`, t.target, {
        title: `The ${PHASE_LABELS[t.phase].toLowerCase()} gate is past its target date`,
        body:
          `The gate was due on ${t.target} and is not passed (${t.daysLate} ${t.daysLate === 1 ? "day" : "days"} late` +
          `${t.lateGates > 1 ? `; ${t.lateGates} of the plant's gates are late` : ""}).`,
        href: `/plants/${t.plantCode}#gates`,
      })
    );
  }

  for (const w of queue.wiring) {
    const revision = conduits.get(w.conduitId)?.revision ?? 0;
    notices.push(
      notice(ctx, "alerts.ready", w.plantCode, `conduit:${w.conduitId}`, `r${revision}`, {
        title: `Alerts on ${quoted(w.conduitName)} can be wired`,
        body: `The baseline of ${quoted(w.conduitName)} is mature and nothing else holds its alerts back.`,
        href: w.href,
      })
    );
  }

  for (const a of queue.acceptances) {
    const epoch = conduits.get(a.conduitId)?.acceptance.epochStart ?? "";
    notices.push(
      notice(ctx, "baseline.stalled", a.plantCode, `conduit:${a.conduitId}`, epoch, {
        title: `The baseline of ${quoted(a.conduitName)} stalled`,
        body:
          `After ${a.countedDays} counted days the baseline has not converged. Both owners must accept it before ` +
          `alerts can be wired; your acceptance is missing.`,
        href: a.href,
      })
    );
  }

  for (const c of queue.conduits) {
    const owner = c.designOwnerId === ctx.personId || c.monitoringOwnerId === ctx.personId;
    if (!owner || !c.monitored || c.wiring !== null || c.baseline.status !== "mature") continue;
    notices.push(
      notice(ctx, "baseline.matured", c.plantCode, `conduit:${c.id}`, c.acceptance.epochStart, {
        title: `The baseline of ${quoted(c.name)} matured`,
        body: `The passive baseline of ${quoted(c.name)} matured after ${c.baseline.countedDays} counted days.`,
        href: `/plants/${c.plantCode}/conduits/${c.id}#baseline`,
      })
    );
  }

  for (const change of queue.changes) {
    if (change.todo !== "schedule") continue;
    notices.push(
      notice(ctx, "change.needs_window", change.plantCode, `change:${change.id}`, "needs-window", {
        title: `A change needs an outage window`,
        body: `${change.title}: it has no window to be done in; schedule it into one.`,
        href: `/plants/${change.plantCode}/windows#change-${change.id}`,
      })
    );
  }

  for (const s of queue.staged) {
    const today = ctx.today.get(s.plantCode) ?? "";
    notices.push(
      notice(ctx, "triage.staged", s.plantCode, `plant:${s.plantCode}`, today, {
        title: `${s.count} staged ${s.count === 1 ? "host waits" : "hosts wait"} for triage`,
        body:
          `The monitoring found ${s.count} ${s.count === 1 ? "host" : "hosts"} not in the inventory` +
          `${s.escalated > 0 ? `, ${s.escalated} escalated to corporate security` : ""}.`,
        href: `/plants/${s.plantCode}/triage`,
      })
    );
  }
  return notices;
}

/** A confirmed outage window starting soon, with its changes and their owners. */
export interface SoonWindow {
  id: number;
  plantId: number;
  plantCode: string;
  title: string;
  startsAt: string;
  /** Its start and end in plant-local time, in words ("Sat 12 Dec 22:00 – Sun 13 Dec 04:00 (Europe/Berlin)"). */
  local: string;
  changes: readonly { title: string; owner: string | null }[];
}

/** A monitored conduit whose sensor sent nothing for more than SILENT_AFTER_DAYS days. */
export interface SilentSensor {
  conduitId: number;
  conduitName: string;
  plantId: number;
  plantCode: string;
  lastDay: string;
  daysSilent: number;
}

/** A blocker of a plant's current gate past one of BLOCKER_AGES, as the rollup gives it, with its plant. */
export type AgingBlocker = OldestBlocker & { plantId: number; plantCode: string };

/** The age a blocker crossed last (14 or 30), null when it is younger than the first. */
export function blockerAgeCrossed(ageDays: number): (typeof BLOCKER_AGES)[number] | null {
  return [...BLOCKER_AGES].reverse().find((age) => ageDays >= age) ?? null;
}

/** Whether a window starting at `startsAt` is told at `now`: it starts within the next WINDOW_NOTICE_HOURS. */
export function windowSoon(startsAt: string, now: Date): boolean {
  const ms = Date.parse(startsAt) - now.getTime();
  return ms > 0 && ms <= WINDOW_NOTICE_HOURS * 3_600_000;
}

/** Whether a sensor whose last observation is `lastDay` counts as silent on `today` (UTC days). */
export function sensorSilent(lastDay: string, today: string): number | null {
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${lastDay}T00:00:00Z`)) / 86_400_000);
  return days > SILENT_AFTER_DAYS ? days : null;
}

export function windowNotice(personId: number, w: SoonWindow): Notice {
  const changes =
    w.changes.length === 0
      ? "No change is scheduled in it yet."
      : `Changes: ${w.changes.map((c) => `${quoted(c.title)} (${c.owner ?? "no owner"})`).join("; ")}.`;
  return {
    kind: "window.soon",
    personId,
    plantId: w.plantId,
    plantCode: w.plantCode,
    factKey: factKey("window.soon", `window:${w.id}`, w.startsAt),
    title: `Outage window ${quoted(w.title)} starts within 24 hours`,
    body: `${w.local}. ${changes}`,
    href: `/plants/${w.plantCode}/windows#window-${w.id}`,
    urgent: urgentNotice("window.soon"),
  };
}

export function sensorNotice(personId: number, s: SilentSensor): Notice {
  return {
    kind: "sensor.silent",
    personId,
    plantId: s.plantId,
    plantCode: s.plantCode,
    factKey: factKey("sensor.silent", `conduit:${s.conduitId}`, s.lastDay),
    title: `The sensor on ${quoted(s.conduitName)} is silent`,
    body:
      `Nothing was observed on ${quoted(s.conduitName)} for ${s.daysSilent} days (last on ${s.lastDay}). ` +
      `Baseline days are not counted while it is silent.`,
    href: `/plants/${s.plantCode}/conduits/${s.conduitId}#baseline`,
    urgent: urgentNotice("sensor.silent"),
  };
}

export function blockerNotice(personId: number, b: AgingBlocker, age: number): Notice {
  const what = b.object ? ` (${b.object})` : "";
  return {
    kind: "blocker.aging",
    personId,
    plantId: b.plantId,
    plantCode: b.plantCode,
    factKey: factKey("blocker.aging", `plant:${b.plantCode}:${b.code}:${b.object ?? ""}`, `${b.since}:${age}`),
    title: `${b.code} has blocked the gate for ${age} days`,
    body: `${b.title}${what}: ${b.message} Open since ${b.since.slice(0, 10)} (${b.ageDays} days).`,
    href: `/plants/${b.plantCode}#gates`,
    urgent: urgentNotice("blocker.aging"),
  };
}
