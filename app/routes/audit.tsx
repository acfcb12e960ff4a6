import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AuditTrail } from "~/components/AuditTrail";
import { loadAuditTrail } from "~/http/audit-trail.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return loadAuditTrail(request);
}

export default function ProgramAuditTrail() {
  return <AuditTrail {...useLoaderData<typeof loader>()} />;
}

export const meta: MetaFunction = () => [{ title: "Audit trail · Segmentation Tracker" }];
