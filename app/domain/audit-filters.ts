import { parseChoice, parseId } from "./listing";

// Filters over the audit trail, read from a URL. Days are UTC calendar days, whatever plant an event
// belongs to: the trail is program-wide and its instants are stored in UTC.

export interface AuditFilters {
  personId: number | null;
  objectType: string | null;
  objectId: string | null;
  action: string | null;
  /** First UTC day included, "YYYY-MM-DD". */
  from: string | null;
  /** Last UTC day included, "YYYY-MM-DD". */
  to: string | null;
}

/** The values the trail actually holds; a filter outside them could only ever match nothing. */
export interface AuditFilterChoices {
  objectTypes: readonly string[];
  actions: readonly string[];
}

/** Whether `text` is a real calendar day written "YYYY-MM-DD" (2026-02-30 is not). */
export function isUtcDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The instant a UTC day begins, in the same text form as stored instants, so they compare as strings. */
export function utcDayStart(day: string): string {
  return `${day}T00:00:00.000Z`;
}

/** The instant the UTC day after `day` begins: the exclusive end of an inclusive "to" day. */
export function utcDayEnd(day: string): string {
  const next = new Date(Date.parse(utcDayStart(day)) + 86_400_000);
  return next.toISOString();
}

function parseUtcDay(params: URLSearchParams, name: string, ignored: string[]): string | null {
  const raw = params.get(name);
  if (raw === null || raw === "") return null;
  if (isUtcDay(raw)) return raw;
  ignored.push(`${name} “${raw}” is not a date written YYYY-MM-DD; filter not applied`);
  return null;
}

const OBJECT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export function parseAuditFilters(
  params: URLSearchParams,
  choices: AuditFilterChoices,
  ignored: string[]
): AuditFilters {
  const from = parseUtcDay(params, "from", ignored);
  let to = parseUtcDay(params, "to", ignored);
  if (from !== null && to !== null && to < from) {
    ignored.push(`to “${to}” is before from “${from}”; to not applied`);
    to = null;
  }
  const rawObject = (params.get("object") ?? "").trim();
  let objectId: string | null = null;
  if (OBJECT_ID.test(rawObject)) objectId = rawObject;
  else if (rawObject !== "") ignored.push(`object “${rawObject.slice(0, 64)}” is not an object id; filter not applied`);
  return {
    personId: parseId(params, "person", ignored),
    objectType: parseChoice(params, "type", choices.objectTypes, ignored),
    objectId,
    action: parseChoice(params, "action", choices.actions, ignored),
    from,
    to,
  };
}

/** The URL parameters that reproduce `filters`, for links that keep them (CSV download, pages). */
export function auditFilterParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.personId !== null) params.set("person", String(filters.personId));
  if (filters.objectType !== null) params.set("type", filters.objectType);
  if (filters.objectId !== null) params.set("object", filters.objectId);
  if (filters.action !== null) params.set("action", filters.action);
  if (filters.from !== null) params.set("from", filters.from);
  if (filters.to !== null) params.set("to", filters.to);
  return params;
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return auditFilterParams(filters).size > 0;
}

/** One event of the audit trail as the pages show it. */
export interface AuditEventView {
  seq: number;
  at: string;
  actorLabel: string;
  action: string;
  objectType: string;
  objectId: string | null;
  plantId: number | null;
  /** Null when the event names no plant, or the plant no longer exists. */
  plantCode: string | null;
  summary: string;
  beforeJson: string | null;
  afterJson: string | null;
}
