import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { formatLocalRange } from "~/domain/local-time";
import { PART_LABELS } from "~/domain/signoffs";
import { CHANGE_KIND_LABELS, ROLE_LABELS, WINDOW_KIND_LABELS, type Role } from "~/domain/vocabulary";
import { recordAuditEvents, type AuditEntry, type DatedAuditEntry } from "~/models/audit.server";
import { lowerFirst } from "~/models/signoffs.server";
import type { AuditActor } from "~/utils/actor";

// The history a program file carries, written into the audit trail when the file is imported: one event per act the
// file records (window created, change scheduled and done, checklist ticked, waiver granted and revoked, signoff given
// and revoked, gate passed, alerts wired, rule written and reviewed, conduit revised), at the act's own instant, by
// the person the file names, with the action and the summary the live act records. Signoffs that went stale are not
// events: staleness follows from a later revision, which is one. Acts the file names no person for (a conduit's
// revision) are attributed to whoever imports.

/** Where an acceptance's epoch is kept while the file is written: the database's signoff does not hold it. */
export const acceptanceKey = (subjectId: number, part: string, revision: number, signedAt: string) =>
  `${subjectId}\u0000${part}\u0000${revision}\u0000${signedAt}`;

const actorLabel = (name: string, role: Role) => `${name} (${ROLE_LABELS[role].toLowerCase()})`;

/** Appends the history of the program just written, oldest first. */
export async function recordProgramHistory(
  tx: Transaction<Database>,
  importer: AuditActor,
  acceptanceEpochs: ReadonlyMap<string, string>
): Promise<number> {
  const events = await programHistory(tx, importer, acceptanceEpochs);
  await recordAuditEvents(tx, events);
  return events.length;
}

async function programHistory(
  tx: Transaction<Database>,
  importer: AuditActor,
  acceptanceEpochs: ReadonlyMap<string, string>
): Promise<DatedAuditEntry[]> {
  const people = new Map(
    (await tx.selectFrom("person").select(["id", "name", "role"]).execute()).map((p) => [
      p.id,
      { name: p.name, actor: { personId: p.id, tokenId: null, label: actorLabel(p.name, p.role) } },
    ])
  );
  const plants = new Map((await tx.selectFrom("plant").select(["id", "code"]).execute()).map((p) => [p.id, p.code]));
  const conduits = new Map(
    (await tx.selectFrom("conduit").select(["id", "plant_id", "name", "revision", "updated_at"]).execute()).map((c) => [
      c.id,
      c,
    ])
  );
  const windows = await tx
    .selectFrom("outage_window")
    .select([
      "id",
      "plant_id",
      "title",
      "kind",
      "status",
      "starts_at",
      "ends_at",
      "time_zone",
      "created_by",
      "created_at",
    ])
    .execute();
  const windowsById = new Map(windows.map((w) => [w.id, w]));

  const events: DatedAuditEntry[] = [];
  const by = (personId: number | null) => {
    const person = personId === null ? undefined : people.get(personId);
    return person ? { name: person.name, actor: person.actor } : { name: "The importer", actor: importer };
  };
  const add = (at: string, personId: number | null, entry: (name: string) => AuditEntry) => {
    const who = by(personId);
    events.push({ at, actor: who.actor, entry: entry(who.name) });
  };
  const code = (plantId: number) => plants.get(plantId)!;

  for (const w of windows) {
    const still = w.status === "planned" || w.status === "confirmed" ? `, ${w.status}` : "";
    add(w.created_at, w.created_by, (name) => ({
      action: "window.create",
      objectType: "outage_window",
      objectId: w.id,
      plantId: w.plant_id,
      summary: `${name} added the ${WINDOW_KIND_LABELS[w.kind].toLowerCase()} “${w.title}” at ${code(
        w.plant_id
      )} (${formatLocalRange(w.starts_at, w.ends_at, w.time_zone)})${still}`,
      after: { title: w.title, kind: w.kind, startsAt: w.starts_at, endsAt: w.ends_at, timeZone: w.time_zone },
    }));
  }

  for (const c of conduits.values()) {
    if (c.revision <= 1) continue;
    add(c.updated_at, null, (name) => ({
      action: "conduit.edit",
      objectType: "conduit",
      objectId: c.id,
      plantId: c.plant_id,
      summary: `${name} recorded conduit “${c.name}” at revision ${c.revision} (who edited it is not in the program file); earlier signoffs are now stale`,
      after: { revision: c.revision },
    }));
  }

  const changes = await tx.selectFrom("network_change").selectAll().orderBy("id").execute();
  for (const c of changes) {
    const window = c.window_id === null ? undefined : windowsById.get(c.window_id);
    const kind = CHANGE_KIND_LABELS[c.kind].toLowerCase();
    if (window && c.planned_start !== null && c.planned_minutes !== null) {
      const plannedEnd = new Date(Date.parse(c.planned_start) + c.planned_minutes * 60_000).toISOString();
      add(c.created_at, c.created_by, (name) => ({
        action: "change.schedule",
        objectType: "network_change",
        objectId: c.id,
        plantId: c.plant_id,
        summary: `${name} scheduled the ${kind} “${c.title}” at ${code(c.plant_id)} into window “${
          window.title
        }” (${formatLocalRange(c.planned_start!, plannedEnd, window.time_zone)})`,
        after: {
          kind: c.kind,
          title: c.title,
          windowId: window.id,
          conduitId: c.conduit_id,
          conduitRevision: c.conduit_revision,
          plannedStart: c.planned_start,
          plannedMinutes: c.planned_minutes,
          status: "scheduled",
        },
      }));
    }
    if (c.status === "done" && c.done_at !== null) {
      const inside = window !== undefined && window.starts_at <= c.done_at && c.done_at <= window.ends_at;
      add(c.done_at, c.created_by, (name) => ({
        action: "change.done",
        objectType: "network_change",
        objectId: c.id,
        plantId: c.plant_id,
        summary: `${name} recorded “${c.title}” at ${code(c.plant_id)} as done${
          inside ? "" : " outside any window (an active scan)"
        }`,
        after: { status: "done", doneAt: c.done_at, insideWindow: inside, kind: c.kind, conduitId: c.conduit_id },
      }));
    }
    if (c.status === "cancelled") {
      add(c.updated_at, c.created_by, (name) => ({
        action: "change.cancel",
        objectType: "network_change",
        objectId: c.id,
        plantId: c.plant_id,
        summary: `${name} cancelled the change “${c.title}” at ${code(c.plant_id)}`,
        after: { status: "cancelled", reason: null },
      }));
    }
  }

  const ticks = await tx.selectFrom("checklist_tick").selectAll().orderBy("id").execute();
  const tickedNow = new Map<string, boolean>();
  for (const t of ticks) {
    const key = `${t.plant_id}\u0000${t.code}`;
    const before = tickedNow.get(key) ?? false;
    tickedNow.set(key, t.ticked === 1);
    add(t.at, t.person_id, (name) => ({
      action: t.ticked ? "criterion.tick" : "criterion.untick",
      objectType: "criterion",
      objectId: `${code(t.plant_id)}:${t.code}`,
      plantId: t.plant_id,
      summary: `${name} ${t.ticked ? "ticked" : "unticked"} ${t.code} at ${code(t.plant_id)}: ${t.note}`,
      before: { ticked: before },
      after: {
        ticked: t.ticked === 1,
        note: t.note,
        details: t.details_json === null ? null : JSON.parse(t.details_json),
      },
    }));
  }

  for (const w of await tx.selectFrom("waiver").selectAll().orderBy("id").execute()) {
    const objectId = `${code(w.plant_id)}:${w.code}`;
    add(w.at, w.person_id, (name) => ({
      action: "criterion.waive",
      objectType: "criterion",
      objectId,
      plantId: w.plant_id,
      summary: `${name} waived ${w.code} at ${code(w.plant_id)}: ${w.justification}`,
      after: { code: w.code, justification: w.justification },
    }));
    if (w.revoked_at !== null) {
      add(w.revoked_at, w.revoked_by, (name) => ({
        action: "criterion.unwaive",
        objectType: "criterion",
        objectId,
        plantId: w.plant_id,
        summary: `${name} revoked the waiver of ${w.code} at ${code(w.plant_id)}`,
        before: { code: w.code, justification: w.justification },
      }));
    }
  }

  const gatePasses = await tx.selectFrom("gate_pass").selectAll().orderBy("id").execute();
  for (const g of gatePasses) {
    add(g.passed_at, g.passed_by, (name) => ({
      action: "gate.pass",
      objectType: "gate",
      objectId: `${code(g.plant_id)}:${g.phase}`,
      plantId: g.plant_id,
      summary: `${name} passed the ${g.phase} gate of ${code(g.plant_id)}`,
      after: { phase: g.phase, criteria: JSON.parse(g.criteria_snapshot) as unknown, note: g.note },
    }));
  }
  const gatePhases = new Map(gatePasses.map((g) => [g.id, g.phase]));

  for (const s of await tx.selectFrom("signoff").selectAll().orderBy("id").execute()) {
    const plantCode = code(s.plant_id);
    const conduitName = () => conduits.get(s.subject_id)?.name ?? `#${s.subject_id}`;
    const label = (() => {
      switch (s.subject_type) {
        case "ownership_split":
          return `The ownership split of ${plantCode}`;
        case "conduit":
          return `Conduit “${conduitName()}”`;
        case "gate_pass":
          return `The ${gatePhases.get(s.subject_id) ?? "?"} gate pass of ${plantCode}`;
        case "baseline_acceptance": {
          const epoch = acceptanceEpochs.get(acceptanceKey(s.subject_id, s.part, s.revision, s.signed_at));
          return `The stalled baseline of “${conduitName()}”${epoch ? ` from ${epoch}` : ""}`;
        }
      }
    })();
    const part = PART_LABELS[s.part].toLowerCase();
    const { id, ...row } = s;
    add(s.signed_at, s.person_id, (name) => ({
      action: "signoff.sign",
      objectType: s.subject_type,
      objectId: s.subject_id,
      plantId: s.plant_id,
      summary: `${name} signed ${lowerFirst(label)} (revision ${s.revision}) for ${part}`,
      after: { signoff: id, ...row, revoked_at: null, revoked_reason: null },
    }));
    if (s.revoked_at !== null) {
      add(s.revoked_at, s.person_id, (name) => ({
        action: "signoff.revoke",
        objectType: s.subject_type,
        objectId: s.subject_id,
        plantId: s.plant_id,
        summary: `${name} revoked their ${part} signoff of revision ${s.revision}: ${s.revoked_reason ?? ""}`,
        before: { signoff: id, revoked_at: null },
        after: { signoff: id, revoked_at: s.revoked_at, revoked_reason: s.revoked_reason },
      }));
    }
  }

  for (const w of await tx.selectFrom("alert_wiring").selectAll().orderBy("id").execute()) {
    const conduit = conduits.get(w.conduit_id)!;
    add(w.at, w.person_id, (name) => ({
      action: "conduit.wire_alerts",
      objectType: "conduit",
      objectId: conduit.id,
      plantId: conduit.plant_id,
      summary: `${name} wired alerts on “${conduit.name}” (revision ${w.conduit_revision})`,
      after: { revision: w.conduit_revision, siemReference: w.siem_reference },
    }));
  }

  for (const r of await tx.selectFrom("detection_rule").selectAll().orderBy("id").execute()) {
    const conduit = conduits.get(r.conduit_id)!;
    add(r.created_at, r.created_by, (name) => ({
      action: "rule.add",
      objectType: "detection_rule",
      objectId: r.id,
      plantId: conduit.plant_id,
      summary: `${name} recorded the ${r.class} rule “${r.name}” on “${conduit.name}”`,
      after: { name: r.name, class: r.class, description: r.description },
    }));
    if (r.reviewed_at !== null && r.reviewed_by !== null) {
      add(r.reviewed_at, r.reviewed_by, (name) => ({
        action: "rule.review",
        objectType: "detection_rule",
        objectId: r.id,
        plantId: conduit.plant_id,
        summary: `${name} reviewed the rule “${r.name}” on “${conduit.name}”`,
        before: { reviewedBy: null },
        after: { reviewedBy: r.reviewed_by },
      }));
    }
  }

  // Oldest first; acts at the same instant keep the order above (a window before the change scheduled into it).
  return events
    .map((event, order) => ({ event, order }))
    .sort((a, b) => (a.event.at < b.event.at ? -1 : a.event.at > b.event.at ? 1 : a.order - b.order))
    .map(({ event }) => event);
}
