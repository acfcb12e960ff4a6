import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { Violations } from "~/components/EvidenceTriage";
import { IgnoredParams } from "~/components/IgnoredParams";
import { requestedWindow } from "~/domain/listing";
import { can } from "~/domain/permissions";
import { countViolations, listViolations } from "~/models/triage.server";
import { plantAct, requirePlantDetail } from "~/http/plant-guard.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { violationIntents } from "./intents.server";

// A plant's wrong flows (flows a conduit does not allow), open ones first, a page at a time, each open one with its
// acknowledgement form. The plant page shows the counts per conduit and links here.

const PAGE_SIZE = 25;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { user, plant } = await requirePlantDetail(request, params.code);
  const db = getDb();
  const search = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const counts = [...(await countViolations(db, plant.id)).values()];
  const total = counts.reduce((sum, c) => sum + c.total, 0);
  const window = requestedWindow(search, ignored, total, PAGE_SIZE, "violationsPage");
  const rows = await listViolations(db, plant.id, window);
  return {
    plant: { code: plant.code, name: plant.name, timeZone: plant.time_zone },
    canAcknowledge: can(user, "acknowledge:violation", plant.id),
    violations: { rows, window, total, open: counts.reduce((sum, c) => sum + c.open, 0) },
    ignored,
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const { form, ...act } = await plantAct(request, params.code);
  return runIntent(violationIntents, { ...act, search: new URL(request.url).search }, request, form);
}

export default function PlantViolationsPage() {
  const { plant, canAcknowledge, violations, ignored } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}#evidence`}>{plant.code}</Link> / Wrong flows
      </nav>
      <h1>
        Wrong flows at {plant.name} <span className="muted mono">{plant.code}</span>
      </h1>
      <IgnoredParams ignored={ignored} />
      <Violations violations={violations} timeZone={plant.timeZone} canAcknowledge={canAcknowledge} reply={reply} />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Wrong flows at ${data.plant.code} ${data.plant.name} · Segmentation Tracker`
      : "Plant not found · Segmentation Tracker",
  },
];
