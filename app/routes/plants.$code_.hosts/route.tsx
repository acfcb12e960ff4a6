import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { StagedHosts } from "~/components/EvidenceTriage";
import { IgnoredParams } from "~/components/IgnoredParams";
import { requestedWindow } from "~/domain/listing";
import { can } from "~/domain/permissions";
import { listZones } from "~/models/plants.server";
import { countStagedHosts, listStagedHosts } from "~/models/triage.server";
import { plantAct, requirePlantDetail } from "~/http/plant-guard.server";
import { getDb } from "~/utils/db.server";
import { runIntent } from "~/utils/forms.server";
import { hostIntents } from "./intents.server";

// A plant's staged hosts (INV-STAGED), a page at a time, each with its own triage forms, and the hosts marked
// known-transient, paged apart. The plant page shows their counts and links here; several hosts at once are
// triaged on /plants/:code/triage.

const PAGE_SIZE = 25;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { user, plant } = await requirePlantDetail(request, params.code);
  const db = getDb();
  const search = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const [zones, counts] = await Promise.all([listZones(db, plant.id), countStagedHosts(db, plant.id)]);
  const hostsWindow = requestedWindow(search, ignored, counts.open, PAGE_SIZE, "hostsPage");
  const transientWindow = requestedWindow(search, ignored, counts.transient, PAGE_SIZE, "transientPage");
  const [hosts, transient] = await Promise.all([
    listStagedHosts(db, plant.id, { transient: false, ...hostsWindow }),
    listStagedHosts(db, plant.id, { transient: true, ...transientWindow }),
  ]);
  return {
    plant: { code: plant.code, name: plant.name, timeZone: plant.time_zone },
    zones: zones.map((zone) => ({ id: zone.id, name: zone.name })),
    canTriage: can(user, "triage:asset", plant.id),
    hosts: { rows: hosts, window: hostsWindow, counts },
    transient: { rows: transient, window: transientWindow },
    ignored,
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  const { form, ...act } = await plantAct(request, params.code);
  return runIntent(hostIntents, { ...act, search: new URL(request.url).search }, request, form);
}

export default function PlantHostsPage() {
  const { plant, zones, canTriage, hosts, transient, ignored } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}#evidence`}>{plant.code}</Link> / Staged hosts
      </nav>
      <h1>
        Staged hosts of {plant.name} <span className="muted mono">{plant.code}</span>
      </h1>
      <IgnoredParams ignored={ignored} />
      <StagedHosts
        plantCode={plant.code}
        hosts={hosts}
        transient={transient}
        zones={zones}
        timeZone={plant.timeZone}
        canTriage={canTriage}
        reply={reply}
      />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Staged hosts of ${data.plant.code} ${data.plant.name} · Segmentation Tracker`
      : "Plant not found · Segmentation Tracker",
  },
];
