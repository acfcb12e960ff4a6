import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditCsvResponse, downloadOrRefusal, requireAuditScope } from "~/http/audit-trail.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return downloadOrRefusal(async () => auditCsvResponse(await requireAuditScope(request)));
}
