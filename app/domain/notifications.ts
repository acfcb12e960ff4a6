import { DateTime } from "luxon";

// What the tracker tells people, by kind. Each kind has a stable name (kept in the database, the webhooks' payloads
// and the preferences), a label, and whether it is urgent: urgent notices are mailed at once, the others wait for the
// person's daily digest. Every notice lands in the person's list in the app as well, unless they turned it off.

export const NOTIFICATION_KINDS = [
  "signoff.needed",
  "signoff.stale",
  "gate.ready",
  "baseline.matured",
  "baseline.stalled",
  "sensor.silent",
  "alerts.ready",
  "window.soon",
  "change.needs_window",
  "blocker.aging",
  "gate.overdue",
  "triage.staged",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const CHANNELS = ["app", "email"] as const;
export type Channel = (typeof CHANNELS)[number];

interface KindInfo {
  label: string;
  /** Whom it tells, in words, for the preferences page. */
  description: string;
  /**
   * "always": mailed at once; "cut-over": at once when the notice concerns a conduit already cut over (a stale
   * signoff there means the running network is no longer what both owners signed); "never": in the digest.
   */
  urgency: "always" | "cut-over" | "never";
}

export const KIND_INFO: Readonly<Record<NotificationKind, KindInfo>> = {
  "signoff.needed": {
    label: "Signoff needed",
    description: "A conduit or ownership split waits for your signature.",
    urgency: "never",
  },
  "signoff.stale": {
    label: "Signoff gone stale",
    description: "What you signed changed since; it needs signing again.",
    urgency: "cut-over",
  },
  "gate.ready": {
    label: "Gate ready to pass",
    description: "Every criterion of a plant's current gate is met.",
    urgency: "never",
  },
  "baseline.matured": {
    label: "Baseline matured",
    description: "A conduit's passive baseline matured: its alerts can be wired.",
    urgency: "never",
  },
  "baseline.stalled": {
    label: "Baseline stalled",
    description: "A baseline never converged; both owners must accept it.",
    urgency: "never",
  },
  "sensor.silent": {
    label: "Sensor silent",
    description: "A monitored conduit's sensor has sent nothing for more than 3 days.",
    urgency: "always",
  },
  "alerts.ready": {
    label: "Alerts ready to wire",
    description: "A conduit's alerts may be wired now.",
    urgency: "never",
  },
  "window.soon": {
    label: "Outage window within 24 hours",
    description: "An outage window at your plants starts within a day, with its changes and their owners.",
    urgency: "always",
  },
  "change.needs_window": {
    label: "Change needs a window",
    description: "A network change has no outage window to be done in.",
    urgency: "never",
  },
  "blocker.aging": {
    label: "Blocker open 14 or 30 days",
    description: "A blocker of a plant's current gate has been open 14 days, and again at 30.",
    urgency: "never",
  },
  "gate.overdue": {
    label: "Gate past its target date",
    description: "A plant's gate was not passed by its target date.",
    urgency: "never",
  },
  "triage.staged": {
    label: "Staged hosts to triage",
    description: "Hosts the monitoring found wait at a plant for triage (one notice per plant, with a count).",
    urgency: "never",
  },
};

export function isNotificationKind(value: unknown): value is NotificationKind {
  return typeof value === "string" && (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

/** One thing to tell one person, before it is stored. */
export interface Notice {
  kind: NotificationKind;
  personId: number;
  plantId: number | null;
  plantCode: string | null;
  /**
   * The fact's identity: the kind, its subject and the day or edition of the fact. The same key is never told twice
   * to the same person (a stale signoff is told once per revision, staged hosts once per plant and day).
   */
  factKey: string;
  title: string;
  /** Plain text, a few sentences. */
  body: string;
  /** Where the work is done, a path inside the app ("/plants/KOK/conduits/12#sign"). */
  href: string;
  urgent: boolean;
}

/** The fact key of a notice: kind, subject and the fact's day or edition, joined by "|". */
export function factKey(kind: NotificationKind, subject: string, edition: string | number): string {
  return `${kind}|${subject}|${edition}`;
}

/** Whether a notice of this kind is urgent, given whether its conduit is cut over. */
export function urgentNotice(kind: NotificationKind, cutOver = false): boolean {
  const { urgency } = KIND_INFO[kind];
  return urgency === "always" || (urgency === "cut-over" && cutOver);
}

/**
 * The acts without a plant that can change what anyone is told, so the notifier looks at every plant after them: the
 * thresholds, people's roles and plants, a program loaded whole. The others (signing in, tokens, reading one's
 * notifications, webhooks) change nothing anyone is told.
 */
const PROGRAM_WIDE_CAUSES: ReadonlySet<string> = new Set([
  "settings.update",
  "account.create",
  "account.update",
  "program.import",
  "program.seed",
]);

/** The plants an act recorded in the audit trail may change notices at: its own, every plant, or none. */
export function noticeScope(act: { plant_id: number | null; action: string }): number | "all" | null {
  if (act.plant_id !== null) return act.plant_id;
  return PROGRAM_WIDE_CAUSES.has(act.action) ? "all" : null;
}

/** A person's stored choices: "kind|channel" → enabled. Absent choices take the default (every kind on). */
export type Preferences = ReadonlyMap<string, boolean>;

export function preferenceKey(kind: NotificationKind, channel: Channel): string {
  return `${kind}|${channel}`;
}

/** Whether the person wants this kind on this channel. */
export function wants(preferences: Preferences, kind: NotificationKind, channel: Channel): boolean {
  return preferences.get(preferenceKey(kind, channel)) ?? true;
}

export const DEFAULT_DIGEST_TIME = "07:00";
export const DIGEST_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The zone a person's digest time is read in: their own, else their first plant's, else UTC. */
export function personZone(own: string | null, firstPlantZone: string | null): string {
  for (const zone of [own, firstPlantZone]) {
    if (zone && DateTime.now().setZone(zone).isValid) return zone;
  }
  return "UTC";
}

/**
 * The person's local day whose digest is due at `now`: today once their digest time has passed there, and only if
 * that day's digest was not sent yet (`lastDigestDay`, a local ISO date). Null when none is due.
 */
export function digestDayDue(now: Date, zone: string, digestTime: string, lastDigestDay: string | null): string | null {
  const local = DateTime.fromJSDate(now).setZone(zone);
  const [hour, minute] = (DIGEST_TIME_PATTERN.test(digestTime) ? digestTime : DEFAULT_DIGEST_TIME)
    .split(":")
    .map(Number);
  const due = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (local < due) return null;
  const day = local.toISODate()!;
  return lastDigestDay !== null && lastDigestDay >= day ? null : day;
}
