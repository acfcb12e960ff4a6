import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AuditTrail } from "~/components/AuditTrail";
import { loadAuditTrail } from "~/http/audit-trail.server";

// `$code_` keeps this page out of the plant page's layout: it is a page of its own, not a panel inside it.

export async function loader({ request, params }: LoaderFunctionArgs) {
  return loadAuditTrail(request, params.code ?? "");
}

export default function PlantAuditTrail() {
  return <AuditTrail {...useLoaderData<typeof loader>()} />;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Audit trail${data?.plant ? ` · ${data.plant.code}` : ""} · Segmentation Tracker` },
];
