import { data } from "@remix-run/node";
import type { AuditTrailProps } from "~/components/AuditTrail";
import { auditFilterParams, hasAuditFilters, parseAuditFilters } from "~/domain/audit-filters";
import { csvRecord } from "~/domain/csv";
import { parsePage } from "~/domain/listing";
import {
  exportAuditEvents,
  getAuditFilterOptions,
  getPlantRef,
  listAuditEvents,
  type AuditFilterOptions,
  type AuditQuery,
  type PlantRef,
} from "~/models/audit-log.server";
import { requirePermission, requireUserWith } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

// What the audit trail's page and its CSV export share: who may read it, which trail (the program's or
// one plant's), and the filters read from the address.

export interface AuditScope {
  plant: PlantRef | null;
  query: AuditQuery;
  options: AuditFilterOptions;
  /** Parameters that were not understood, for the page's notice. */
  ignored: string[];
  /** The address of the trail's page, without filters. */
  basePath: string;
}

/**
 * Signs in, authorizes and reads the filters. The permission is checked before the plant is looked up,
 * so someone who may not read the trail cannot probe which plant codes exist.
 */
export async function requireAuditScope(request: Request, plantCode?: string): Promise<AuditScope> {
  const user = await requireUserWith(request, "read:audit");
  const db = getDb();
  let plant: PlantRef | null = null;
  if (plantCode !== undefined) {
    const code = plantCode.toUpperCase();
    plant = /^[A-Z0-9-]{1,16}$/.test(code) ? await getPlantRef(db, code) : null;
    if (!plant) throw data(`No plant in the program has the code “${plantCode}”.`, { status: 404 });
    requirePermission(user, "read:audit", plant.id);
  }
  const options = await getAuditFilterOptions(db, plant?.id ?? null);
  const ignored: string[] = [];
  const filters = parseAuditFilters(new URL(request.url).searchParams, options, ignored);
  return {
    plant,
    query: { ...filters, plantId: plant?.id ?? null },
    options,
    ignored,
    basePath: plant ? `/plants/${plant.code}/audit` : "/audit",
  };
}

/** Everything the trail's page shows: one page of events, the filter form's state, the CSV link. */
export async function loadAuditTrail(request: Request, plantCode?: string): Promise<AuditTrailProps> {
  const scope = await requireAuditScope(request, plantCode);
  const ignored = [...scope.ignored];
  const requestedPage = parsePage(new URL(request.url).searchParams, ignored);
  const { events, total, window } = await listAuditEvents(getDb(), scope.query, requestedPage);
  if (window.page !== requestedPage) ignored.push(`page ${requestedPage} does not exist; showing page ${window.page}`);
  const { query } = scope;
  const search = auditFilterParams(query).toString();
  return {
    plant: scope.plant ? { code: scope.plant.code, name: scope.plant.name } : null,
    events,
    total,
    window,
    options: scope.options,
    filters: {
      person: query.personId === null ? "" : String(query.personId),
      type: query.objectType ?? "",
      object: query.objectId ?? "",
      action: query.action ?? "",
      from: query.from ?? "",
      to: query.to ?? "",
    },
    filtered: hasAuditFilters(query),
    ignored,
    basePath: scope.basePath,
    csvHref: `${scope.basePath}.csv${search ? `?${search}` : ""}`,
  };
}

const AUDIT_CSV_COLUMNS = [
  "seq",
  "at",
  "actor",
  "action",
  "object_type",
  "object_id",
  "plant",
  "summary",
  "before",
  "after",
  "hash",
] as const;

/**
 * Runs a file download's loader, answering its refusals (403, 404) as the plain sentence they carry.
 * Remix would turn a `data()` thrown from a resource route into a generic JSON error and log it as a
 * server error. Redirects (not signed in) pass through.
 */
export async function downloadOrRefusal(download: () => Promise<Response>): Promise<Response> {
  try {
    return await download();
  } catch (thrown) {
    const refusal = thrown as { type?: unknown; data?: unknown; init?: ResponseInit | null } | null;
    if (refusal?.type === "DataWithResponseInit" && typeof refusal.data === "string" && refusal.init?.status) {
      return new Response(refusal.data, {
        status: refusal.init.status,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    throw thrown;
  }
}

/** Every matching event as CSV, newest first, written batch by batch as the client reads. */
export function auditCsvResponse(scope: AuditScope, now: Date = new Date()): Response {
  const encoder = new TextEncoder();
  const batches = exportAuditEvents(getDb(), scope.query);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRecord(AUDIT_CSV_COLUMNS)));
    },
    async pull(controller) {
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      const text = next.value
        .map((event) =>
          csvRecord([
            event.seq,
            event.at,
            event.actorLabel,
            event.action,
            event.objectType,
            event.objectId,
            event.plantCode ?? (event.plantId === null ? null : `#${event.plantId}`),
            event.summary,
            event.beforeJson,
            event.afterJson,
            event.hash,
          ])
        )
        .join("");
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  const name = `audit-${scope.plant ? scope.plant.code : "program"}-${now.toISOString().slice(0, 10)}.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
    },
  });
}
