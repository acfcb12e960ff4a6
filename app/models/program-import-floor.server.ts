import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { ProgramFile } from "~/domain/program-file";

// The floor's part of importing a program file (app/models/program-import.server.ts): each change's outcomes, and
// each plant's production stops with their reviews' signatures.

const CHUNK_ROWS = 500;

async function inChunks<T>(rows: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) await write(rows.slice(i, i + CHUNK_ROWS));
}

/**
 * The outcomes of each change and the plant's production stops with their reviews' signatures. Changes and stops have
 * no natural key in the database: their tables were empty, so ids follow insertion order, and a stop names its
 * change by its position in the plant's list.
 */
export async function importFloor(
  tx: Transaction<Database>,
  program: ProgramFile,
  plantId: (code: string) => number,
  personId: (email: string) => number
) {
  const changeRowIds = (await tx.selectFrom("network_change").select("id").orderBy("id").execute()).map((c) => c.id);
  let next = 0;
  const changeIdsOf = new Map<string, number[]>();
  for (const p of program.plants) {
    changeIdsOf.set(
      p.code,
      p.networkChanges.map(() => changeRowIds[next++]!)
    );
  }
  await inChunks(
    program.plants.flatMap((p) =>
      p.networkChanges.flatMap((n, i) =>
        (n.outcomes ?? []).map((o) => ({
          change_id: changeIdsOf.get(p.code)![i]!,
          plant_id: plantId(p.code),
          outcome: o.outcome,
          actual_start: o.actualStart,
          actual_end: o.actualEnd,
          note: o.note,
          person_id: personId(o.by),
          at: o.at,
        }))
      )
    ),
    (rows) => tx.insertInto("change_outcome").values(rows).execute()
  );
  const zoneRows = await tx.selectFrom("zone").select(["id", "plant_id", "name"]).execute();
  const zoneIds = new Map(zoneRows.map((z) => [`${z.plant_id}\u0000${z.name}`, z.id]));
  const stops = program.plants.flatMap((p) => (p.productionStops ?? []).map((stop) => ({ plant: p, stop })));
  await inChunks(
    stops.map(({ plant: p, stop: s }) => ({
      plant_id: plantId(p.code),
      zone_id: s.zone === null ? null : zoneIds.get(`${plantId(p.code)}\u0000${s.zone}`)!,
      line: s.line,
      started_at: s.startedAt,
      minutes_lost: s.minutesLost,
      change_id: s.change === null ? null : changeIdsOf.get(p.code)![s.change]!,
      ticket: s.ticket,
      description: s.description,
      cause: s.cause,
      review: s.review,
      review_revision: s.reviewRevision,
      recorded_by: personId(s.recordedBy),
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    })),
    (rows) => tx.insertInto("production_stop").values(rows).execute()
  );
  const stopRowIds = (await tx.selectFrom("production_stop").select("id").orderBy("id").execute()).map((s) => s.id);
  await inChunks(
    stops.flatMap(({ stop }, i) =>
      stop.signatures.map((g) => ({
        stop_id: stopRowIds[i]!,
        part: g.part,
        person_id: personId(g.signer),
        review_revision: g.reviewRevision,
        signed_at: g.signedAt,
      }))
    ),
    (rows) => tx.insertInto("stop_review_signoff").values(rows).execute()
  );
}
