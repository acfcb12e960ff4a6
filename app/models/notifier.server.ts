import { DateTime } from "luxon";
import { composeDigest, type ComposedEmail, type MessageItem } from "~/domain/notification-messages";
import { noticeScope, wants, type Notice } from "~/domain/notifications";
import { reachOf } from "~/domain/permissions";
import { auditActsBetween, auditHead } from "~/models/audit.server";
import {
  digestItems,
  enqueueDigests,
  loadDigestPeople,
  mayRead,
  publicBaseUrl,
  recordNoticesIn,
  setNotifierState,
  type RecordCounts,
} from "~/models/notification-outbox.server";
import { loadPreferences } from "~/models/notification-preferences.server";
import { computeNotices } from "~/models/notification-facts.server";
import type { DB, Executor } from "~/utils/db.server";

// The notifier's pass: what changed since its last pass (the audit trail it has not read yet, or every plant when a
// full pass is due, for the facts that time alone makes true) becomes notices, stored with their messages; then the
// digests whose time has come are written. The audit cursor moves in the transaction that stores what was read, so
// a pass that fails re-reads the same acts next time, and the unique keys absorb what was already stored.

/** What each person should be told now, at these plants (null: every plant). */
export type ComputeNotices = (db: Executor, now: Date, plantIds: readonly number[] | null) => Promise<Notice[]>;

const DEFAULT_COMPUTE: ComputeNotices = computeNotices;

/** Every 15 minutes the notifier looks at every plant, for facts no act causes (a window now within 24 hours). */
const FULL_PASS_EVERY_MS = 15 * 60_000;

const AUDIT_SEQ = "audit_seq";
const FULL_PASS_AT = "full_pass_at";

export interface NotifierPassResult extends RecordCounts {
  /** The plants whose notices were computed: "all", or their ids (none when nothing happened). */
  plants: "all" | number[];
  notices: number;
  digests: number;
  /** The audit trail is read up to this event. */
  auditSeq: number;
}

async function notifierState(db: Executor): Promise<{ auditSeq: number | null; fullPassAt: number | null }> {
  const rows = await db
    .selectFrom("notifier_state")
    .select(["name", "value"])
    .where("name", "in", [AUDIT_SEQ, FULL_PASS_AT])
    .execute();
  const value = (name: string) => rows.find((row) => row.name === name)?.value;
  const seq = Number(value(AUDIT_SEQ));
  const fullPassAt = Date.parse(value(FULL_PASS_AT) ?? "");
  return {
    auditSeq: value(AUDIT_SEQ) !== undefined && Number.isInteger(seq) && seq >= 0 ? seq : null,
    fullPassAt: Number.isNaN(fullPassAt) ? null : fullPassAt,
  };
}

/**
 * One pass of the notifier at `now`. Its first pass starts reading the audit trail at its current end (history is
 * not replayed) and looks at every plant.
 */
export async function runNotifierPass(
  db: DB,
  now: Date,
  options: { compute?: ComputeNotices; fullPassEveryMs?: number } = {}
): Promise<NotifierPassResult> {
  const compute = options.compute ?? DEFAULT_COMPUTE;
  const state = await notifierState(db);
  const head = (await auditHead(db))?.seq ?? 0;
  const cursor = Math.min(state.auditSeq ?? head, head);
  const fullPass =
    state.fullPassAt === null || now.getTime() - state.fullPassAt >= (options.fullPassEveryMs ?? FULL_PASS_EVERY_MS);

  let plants: "all" | number[] = [];
  if (fullPass) plants = "all";
  else if (head > cursor) {
    const acts = await auditActsBetween(db, cursor, head);
    const scopes = acts.map(noticeScope);
    plants = scopes.includes("all")
      ? "all"
      : [...new Set(scopes.filter((scope): scope is number => typeof scope === "number"))].sort((a, b) => a - b);
  }
  const notices = plants === "all" || plants.length > 0 ? await compute(db, now, plants === "all" ? null : plants) : [];

  const baseUrl = publicBaseUrl();
  const counts = await db.transaction().execute(async (tx) => {
    const recorded = await recordNoticesIn(tx, notices, now, baseUrl);
    // Another pass may have read further meanwhile: the cursor never moves back.
    const stored = (await notifierState(tx)).auditSeq;
    await setNotifierState(tx, AUDIT_SEQ, String(Math.max(head, stored ?? 0)));
    if (fullPass) await setNotifierState(tx, FULL_PASS_AT, now.toISOString());
    return recorded;
  });
  const digests = await enqueueDigests(db, now);
  return { ...counts, plants, notices: notices.length, digests, auditSeq: head };
}

export interface DigestPreview extends ComposedEmail {
  name: string;
  email: string;
  /** The person's local day the digest would be dated. */
  day: string;
  /** Items already stored for them, and items a pass would add now. */
  stored: number;
  added: number;
}

/**
 * What the person's digest would say now, without writing anything: their notifications no e-mail has carried
 * yet, plus what a pass would tell them now at their plants that they were not told before (but for urgent ones,
 * which are mailed at once). Null when no active
 * person has this e-mail address.
 */
export async function previewDigest(
  db: Executor,
  email: string,
  now: Date,
  compute: ComputeNotices = DEFAULT_COMPUTE
): Promise<DigestPreview | null> {
  const [person] = await loadDigestPeople(db, email);
  if (!person) return null;
  const preferences = (await loadPreferences(db, [person.id])).get(person.id)!;
  const stored = (await digestItems(db, person, preferences)).map(({ item }) => item);

  const added: MessageItem[] = [];
  const principal = { role: person.role, assignedPlantIds: person.assignedPlantIds, plantScope: null };
  const plantIds = reachOf(principal, "read:plant") === "all" ? null : person.assignedPlantIds;
  const notices =
    plantIds !== null && plantIds.length === 0
      ? []
      : (await compute(db, now, plantIds)).filter(
          (notice) =>
            notice.personId === person.id &&
            // An urgent one is mailed at once rather than in the digest.
            !notice.urgent &&
            wants(preferences, notice.kind, "email") &&
            mayRead(person, notice.plantId)
        );
  const known = new Set(
    notices.length === 0
      ? []
      : (
          await db
            .selectFrom("notification")
            .select("fact_key")
            .where("person_id", "=", person.id)
            .where(
              "fact_key",
              "in",
              notices.map((notice) => notice.factKey)
            )
            .execute()
        ).map((row) => row.fact_key)
  );
  const at = now.toISOString();
  for (const notice of notices) {
    if (known.has(notice.factKey)) continue;
    known.add(notice.factKey);
    added.push({ ...notice, createdAt: at });
  }
  const day = DateTime.fromJSDate(now).setZone(person.zone).toISODate()!;
  const message = composeDigest(person, day, [...stored, ...added], publicBaseUrl());
  return { ...message, name: person.name, email: person.email, day, stored: stored.length, added: added.length };
}
