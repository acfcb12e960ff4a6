import type { Transaction } from "kysely";
import type { Database } from "../schema";
import { byCodePoint } from "./util";

// The floor in the demo program: past changes have their outcomes (most done as planned, one done with issues, one
// rolled back and waiting for a new window), and one plant has a network-caused production stop whose post-incident
// review is signed by plant engineering but not yet by corporate security — so its next cutover is held.

/** Plants the tests act on freely; the held plant is another. */
const KEPT_FREE = new Set(["DAY", "KOK"]);

export async function seedFloorStops(trx: Transaction<Database>, now: Date): Promise<void> {
  const done = await trx
    .selectFrom("network_change")
    .select(["id", "plant_id", "kind", "title", "planned_start", "planned_minutes", "done_at", "created_by"])
    .where("status", "=", "done")
    .where("planned_start", "is not", null)
    .orderBy("id")
    .execute();
  if (done.length === 0) return;
  const lead = await trx
    .selectFrom("person")
    .select("id")
    .where("role", "=", "program_lead")
    .orderBy("id")
    .executeTakeFirst();
  const fallback = lead?.id ?? done[0]!.created_by;
  if (fallback === null) return;

  const plants = await trx.selectFrom("plant").select(["id", "code"]).execute();
  const codeOf = new Map(plants.map((p) => [p.id, p.code]));
  // The rolled-back change: the first done change that is not a cutover (cutovers' done_at dates baselines).
  const rolledBack = done.find((c) => c.kind !== "conduit_cutover" && !KEPT_FREE.has(codeOf.get(c.plant_id) ?? ""));
  const withIssues = done.find((c) => c.kind === "conduit_cutover");
  for (const change of done) {
    const start = change.planned_start!;
    const planned = new Date(Date.parse(start) + (change.planned_minutes ?? 30) * 60_000).toISOString();
    const end = change.done_at && change.done_at > start ? change.done_at : planned;
    const outcome = change === rolledBack ? "rolled_back" : change === withIssues ? "with_issues" : "as_planned";
    await trx
      .insertInto("change_outcome")
      .values({
        change_id: change.id,
        plant_id: change.plant_id,
        outcome,
        actual_start: start,
        actual_end: end,
        note:
          outcome === "rolled_back"
            ? "Rule blocked the historian's OPC UA polling; rolled back within the window, to be redone with the flow added."
            : outcome === "with_issues"
            ? "Two HMIs needed a restart after the cutover; production resumed before the window ended."
            : null,
        person_id: change.created_by ?? fallback,
        at: end,
      })
      .execute();
    if (change === rolledBack) {
      await trx
        .updateTable("network_change")
        .set({ status: "needs_window", done_at: null, updated_at: end })
        .where("id", "=", change.id)
        .execute();
    }
  }

  // The stop under review: at the first plant (by code, past the ones tests act on) with a cutover done and an
  // engineer assigned, put down to its latest cutover.
  const security = await trx
    .selectFrom("person")
    .select("id")
    .where("role", "=", "corporate_security")
    .orderBy("id")
    .executeTakeFirst();
  const candidates = [...new Set(done.filter((c) => c.kind === "conduit_cutover").map((c) => c.plant_id))]
    .filter((id) => !KEPT_FREE.has(codeOf.get(id) ?? ""))
    .sort((a, b) => byCodePoint(codeOf.get(a)!, codeOf.get(b)!));
  for (const plantId of candidates) {
    const engineer = await trx
      .selectFrom("person_plant as pp")
      .innerJoin("person as p", "p.id", "pp.person_id")
      .select("p.id")
      .where("pp.plant_id", "=", plantId)
      .where("p.role", "=", "plant_engineer")
      .orderBy("p.id")
      .executeTakeFirst();
    if (!engineer || !security) continue;
    const cutover = done.filter((c) => c.plant_id === plantId && c.kind === "conduit_cutover").at(-1)!;
    const cutoverEnd = cutover.done_at ?? cutover.planned_start!;
    const startedAt = new Date(Date.parse(cutoverEnd) + 3 * 3_600_000).toISOString();
    const recordedAt = new Date(Math.min(Date.parse(startedAt) + 6 * 3_600_000, now.getTime())).toISOString();
    const { id } = await trx
      .insertInto("production_stop")
      .values({
        plant_id: plantId,
        zone_id: null,
        line: "Line 2",
        started_at: startedAt,
        minutes_lost: 45,
        change_id: cutover.id,
        ticket: "INC-20417",
        description:
          "Packaging line 2 stopped: its HMI lost the PLC after the cutover; the cell firewall dropped the vendor's EtherNet/IP implicit messaging.",
        cause: "network",
        review:
          "Root cause: the conduit's design listed explicit messaging (TCP 44818) but not implicit I/O (UDP 2222). The flow was added to the design and the rule corrected the same shift. Change control: cutovers of cell conduits now replay the last 30 days of observed flows before the window.",
        review_revision: 1,
        recorded_by: engineer.id,
        created_at: recordedAt,
        updated_at: recordedAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("stop_review_signoff")
      .values({
        stop_id: id,
        part: "design_change_control",
        person_id: engineer.id,
        review_revision: 1,
        signed_at: recordedAt,
      })
      .execute();
    return;
  }
}
