import {
  parseAssetCsv,
  type AssetImportSummary,
  type ImportField,
  type ImportProblem,
  type ImportRow,
} from "~/domain/asset-import";
import { recordAudit } from "~/models/audit.server";
import { loadZoneRanges } from "~/models/zones.server";
import type { AuditActor } from "~/utils/actor";
import type { DB } from "~/utils/db.server";
import { ActError } from "~/utils/errors";

// Loads a passive monitoring tool's inventory export into one plant: a known asset (same plant, zone, IP and MAC)
// is updated with what the export adds; anything else becomes a `staged` asset for an engineer to triage. The
// whole file is one transaction: any bad row and nothing is written.

const IMPORT_SOURCE = "import";

export type AssetImportResult =
  | { ok: true; summary: AssetImportSummary }
  | { ok: false; problems: ImportProblem[]; columns: Partial<Record<ImportField, string>> };

/** An asset the plant already has, with the fields an import row may match or fill in. */
interface Known extends Pick<ImportRow, "ip" | "mac" | "vendor" | "model" | "firmware" | "kind"> {
  id: number;
  zone_id: number | null;
}

function listAt<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

const UPDATABLE = ["vendor", "model", "firmware"] as const;

export async function importAssets(
  db: DB,
  actor: AuditActor,
  input: { plantCode: string; text: string; label?: string; dryRun?: boolean },
  now: Date = new Date()
): Promise<AssetImportResult> {
  const parsed = parseAssetCsv(input.text);
  // A file unfit to read (no header to map, bad quoting) stops here; bad rows are reported with the rest below.
  if (parsed.rows.length === 0 && parsed.problems.length > 0) {
    return { ok: false, problems: parsed.problems, columns: parsed.columns };
  }

  return db
    .transaction()
    .execute(async (tx) => {
      const plant = await tx
        .selectFrom("plant")
        .select(["id", "code"])
        .where("code", "=", input.plantCode.toUpperCase())
        .executeTakeFirst();
      if (!plant) throw new ActError(404, `No plant in the program has the code “${input.plantCode}”.`);
      const { zones, matcher } = await loadZoneRanges(tx, plant.id);
      const zoneByName = new Map(zones.map((z) => [z.name.toLowerCase(), z]));
      const known: Known[] = await tx
        .selectFrom("asset")
        .select(["id", "zone_id", "ip", "mac", "vendor", "model", "firmware", "kind"])
        .where("plant_id", "=", plant.id)
        .where((eb) => eb.or([eb("ip", "is not", null), eb("mac", "is not", null)]))
        .execute();
      const byIp = new Map<string, Known[]>();
      const byMac = new Map<string, Known[]>();
      for (const asset of known) {
        if (asset.ip) listAt(byIp, asset.ip).push(asset);
        if (asset.mac) listAt(byMac, asset.mac).push(asset);
      }

      const problems: ImportProblem[] = [...parsed.problems];
      const claimed = new Map<number, number>();
      const seen = new Map<string, number>();
      const creates: { row: ImportRow; zoneId: number | null }[] = [];
      const updates: { row: ImportRow; asset: Known; changes: Partial<Known> }[] = [];
      let unchanged = 0;
      for (const row of parsed.rows) {
        let zoneId: number | null = null;
        if (row.zone !== null) {
          const zone = zoneByName.get(row.zone.toLowerCase());
          if (!zone) {
            problems.push({
              line: row.line,
              column: parsed.columns.zone ?? "zone",
              message: `${plant.code} has no zone “${row.zone}”${
                zones.length ? ` (its zones: ${zones.map((z) => z.name).join(", ")})` : " (it has no zones yet)"
              }`,
            });
            continue;
          }
          zoneId = zone.id;
        } else if (row.ip !== null) {
          zoneId = matcher.match(row.ip);
        }
        const key = `${zoneId ?? "-"}|${row.ip ?? "-"}|${row.mac ?? "-"}`;
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          problems.push({
            line: row.line,
            column: null,
            message: `the same asset as line ${earlier} (zone, IP and MAC)`,
          });
          continue;
        }
        seen.set(key, row.line);
        // The same asset: same zone, and its IP and MAC agree with the row's wherever both are known.
        const candidates = [
          ...new Set([...(row.ip ? byIp.get(row.ip) ?? [] : []), ...(row.mac ? byMac.get(row.mac) ?? [] : [])]),
        ]
          .filter((a) => a.zone_id === zoneId)
          .filter(
            (a) =>
              (row.ip === null || a.ip === null || a.ip === row.ip) &&
              (row.mac === null || a.mac === null || a.mac === row.mac)
          );
        if (candidates.length > 1) {
          problems.push({
            line: row.line,
            column: null,
            message: `matches ${candidates.length} assets already in the inventory (ids ${candidates
              .map((c) => c.id)
              .join(", ")}); give both IP and MAC to tell them apart`,
          });
          continue;
        }
        const asset = candidates[0];
        if (!asset) {
          creates.push({ row, zoneId });
          continue;
        }
        const line = claimed.get(asset.id);
        if (line !== undefined) {
          problems.push({ line: row.line, column: null, message: `the same inventory asset as line ${line}` });
          continue;
        }
        claimed.set(asset.id, row.line);
        const changes: Partial<Known> = {};
        if (asset.ip === null && row.ip !== null) changes.ip = row.ip;
        if (asset.mac === null && row.mac !== null) changes.mac = row.mac;
        for (const field of UPDATABLE) {
          const value = row[field];
          if (value !== null && value !== asset[field]) changes[field] = value;
        }
        if (row.kind !== null && row.kind !== asset.kind) changes.kind = row.kind;
        if (Object.keys(changes).length === 0) unchanged++;
        else updates.push({ row, asset, changes });
      }
      if (problems.length > 0) {
        problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
        return { ok: false as const, problems, columns: parsed.columns };
      }

      const stamp = now.toISOString();
      const createdIds: number[] = [];
      for (let i = 0; i < creates.length; i += 100) {
        const inserted = await tx
          .insertInto("asset")
          .values(
            creates.slice(i, i + 100).map(({ row, zoneId }) => ({
              plant_id: plant.id,
              zone_id: zoneId,
              name: row.name ?? (row.ip ? `host-${row.ip}` : `host-${row.mac}`),
              kind: row.kind,
              vendor: row.vendor,
              model: row.model,
              firmware: row.firmware,
              install_year: null,
              ip: row.ip,
              mac: row.mac,
              criticality: null,
              discovery_source: IMPORT_SOURCE,
              status: "staged",
              discovered_at: stamp,
              created_at: stamp,
              updated_at: stamp,
            }))
          )
          .returning("id")
          .execute();
        createdIds.push(...inserted.map((r) => r.id));
      }
      for (const { asset, changes } of updates) {
        await tx
          .updateTable("asset")
          .set({ ...changes, updated_at: stamp })
          .where("id", "=", asset.id)
          .execute();
      }
      const summary: AssetImportSummary = {
        plant: plant.code,
        dryRun: input.dryRun === true,
        rows: parsed.rows.length,
        created: creates.length,
        updated: updates.length,
        unchanged,
        columns: parsed.columns,
        ignoredColumns: parsed.ignoredColumns,
      };
      await recordAudit(tx, actor, {
        action: "asset.import",
        objectType: "plant",
        objectId: plant.id,
        plantId: plant.id,
        summary: `Imported ${summary.rows} assets${input.label ? ` from ${input.label}` : ""} into ${plant.code}: ${
          summary.created
        } new (staged), ${summary.updated} updated, ${summary.unchanged} unchanged.`,
        after: {
          created: createdIds,
          updated: updates.map(({ asset, changes }) => ({ id: asset.id, ...changes })),
          unchanged: summary.unchanged,
          columns: summary.columns,
        },
      });
      if (input.dryRun) throw new DryRun(summary);
      return { ok: true as const, summary };
    })
    .catch((error: unknown) => {
      if (error instanceof DryRun) return { ok: true as const, summary: error.summary };
      throw error;
    });
}

class DryRun extends Error {
  constructor(readonly summary: AssetImportSummary) {
    super("dry run");
  }
}
