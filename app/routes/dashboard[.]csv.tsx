import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvRecord } from "~/domain/csv";
import { rollupCsvRow, ROLLUP_CSV_HEADER } from "~/domain/rollup-export";
import { loadRollup } from "~/http/readiness-cache.server";
import { downloadOrRefusal } from "~/http/audit-trail.server";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

// GET /dashboard.csv: the plant rollup, one row per plant, with the figures of /dashboard and /plants.
export async function loader({ request }: LoaderFunctionArgs) {
  return downloadOrRefusal(async () => {
    const user = await requireUser(request);
    requirePermission(user, "read:program");
    const rollup = await loadRollup(getDb(), new Date());
    const body = [
      csvRecord(ROLLUP_CSV_HEADER),
      ...rollup.plants.map((p) => csvRecord(rollupCsvRow(p, rollup.floor))),
    ].join("");
    const stamp = rollup.computedAt.slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="plant-rollup-${stamp}Z.csv"`,
        "X-Computed-At": rollup.computedAt,
        "Cache-Control": "no-store",
      },
    });
  });
}
