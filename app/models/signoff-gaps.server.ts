import { sql } from "kysely";
import type { Executor } from "~/utils/db.server";

// Every signoff part the program needs, judged in SQL for speed across many plants (the rollup's counts, the /me
// queue). It must say what the domain's partState says of each part: test/integration/signoff-rollup-agreement.test.ts.

const PARTS_SQL = sql`(select 'design_change_control' as part union all select 'monitoring_incident_response')`;

/**
 * Every signoff part the program needs, judged in SQL: each part of each conduit (by its assigned owner, at the
 * conduit's current revision) and of each plant's ownership split (by anyone of the part's role). `missing`
 * when a conduit's part has no owner assigned, `signed` when a live signoff holds the current revision, `stale` when
 * only an earlier revision was signed, else `missing`: what the domain's partState says (a conduit's revision moves
 * with every change of its content, so comparing revisions is comparing content hashes; test/integration/
 * signoff-rollup-agreement.test.ts proves the two agree).
 */
export function signoffPartsSql(plantIds: readonly number[]) {
  const ids = plantIds.length > 0 ? sql.join(plantIds) : sql`null`;
  return sql`
    with needed as (
      select c.plant_id, 'conduit' as subject_type, c.id as subject_id, c.name as subject_name, parts.part,
        case parts.part when 'design_change_control' then c.design_owner_id else c.monitoring_owner_id end as owner_id,
        c.revision, c.updated_at as changed_at, 1 as needs_owner
      from conduit c cross join ${PARTS_SQL} parts
      where c.plant_id in (${ids})
      union all
      select pl.id, 'ownership_split', pl.id, 'Ownership split', parts.part, null, pl.ownership_split_revision,
        null, 0
      from plant pl cross join ${PARTS_SQL} parts
      where pl.id in (${ids})
    ),
    judged as (
      select n.*,
        exists (
          select 1 from signoff s
          where s.subject_type = n.subject_type and s.subject_id = n.subject_id and s.part = n.part
            and s.revoked_at is null and s.revision = n.revision
            and (n.needs_owner = 0 or s.person_id = n.owner_id)
        ) as signed,
        exists (
          select 1 from signoff s
          where s.subject_type = n.subject_type and s.subject_id = n.subject_id and s.part = n.part
            and s.revoked_at is null and s.revision < n.revision
        ) as has_stale
      from needed n
    )
    select plant_id, subject_type, subject_id, subject_name, part, owner_id, revision, changed_at,
      case when needs_owner = 1 and owner_id is null then 'missing'
           when signed then 'signed'
           when has_stale then 'stale' else 'missing' end as status
    from judged`;
}

export interface SignoffGap {
  plantId: number;
  subjectType: "conduit" | "ownership_split";
  subjectId: number;
  subjectName: string;
  part: "design_change_control" | "monitoring_incident_response";
  ownerId: number | null;
  revision: number;
  changedAt: string | null;
  status: "missing" | "stale";
}

/** Signoff parts at the plants that are missing or stale, one row each. */
export async function listSignoffGaps(db: Executor, plantIds: readonly number[]): Promise<SignoffGap[]> {
  if (plantIds.length === 0) return [];
  const { rows } = await sql<{
    plant_id: number;
    subject_type: SignoffGap["subjectType"];
    subject_id: number;
    subject_name: string;
    part: SignoffGap["part"];
    owner_id: number | null;
    revision: number;
    changed_at: string | null;
    status: SignoffGap["status"];
  }>`select * from (${signoffPartsSql(
    plantIds
  )}) as parts where status != 'signed' order by plant_id, subject_type, subject_name, part`.execute(db);
  return rows.map((r) => ({
    plantId: r.plant_id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    subjectName: r.subject_name,
    part: r.part,
    ownerId: r.owner_id,
    revision: r.revision,
    changedAt: r.changed_at,
    status: r.status,
  }));
}
