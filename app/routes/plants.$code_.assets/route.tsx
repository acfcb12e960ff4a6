import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { IgnoredParams } from "~/components/IgnoredParams";
import { parseChoice, parseId, parseSearch, parseSort, requestedWindow } from "~/domain/listing";
import { can } from "~/domain/permissions";
import { ASSET_KINDS, ASSET_STATUSES, CRITICALITIES } from "~/domain/vocabulary";
import { ASSET_SORT_KEYS, countAssets, listAssets, listZones, type AssetQuery } from "~/models/plants.server";
import { plantAct, requirePlantDetail } from "~/http/plant-guard.server";
import { getDb } from "~/utils/db.server";
import { AssetsPanel } from "./AssetsPanel";
import { importAssetsIntent } from "./intents.server";

// A plant's asset inventory: the import of a monitoring tool's export, filters, sort and pages. `$code_` keeps it
// out of the plant page's layout; the plant page shows the counts by kind and zone and links here.

const PAGE_SIZE = 50;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { user, plant } = await requirePlantDetail(request, params.code);
  const db = getDb();
  const search = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const zones = await listZones(db, plant.id);

  let zone: AssetQuery["zone"] = null;
  if (search.get("zone") === "none") zone = "none";
  else {
    const zoneId = parseId(search, "zone", ignored);
    if (zoneId !== null && zones.some((z) => z.id === zoneId)) zone = zoneId;
    else if (zoneId !== null) ignored.push(`zone “${zoneId}” is not a zone of this plant; filter not applied`);
  }
  const { sort, dir } = parseSort(search, ASSET_SORT_KEYS, { sort: "name", dir: "asc" }, ignored);
  const query = {
    search: parseSearch(search, "q"),
    kind: parseChoice(search, "kind", ASSET_KINDS, ignored),
    zone,
    criticality: parseChoice(search, "criticality", CRITICALITIES, ignored),
    status: parseChoice(search, "status", ASSET_STATUSES, ignored),
    sort,
    dir,
  };
  const total = await countAssets(db, plant.id, { ...query, offset: 0, limit: PAGE_SIZE });
  const window = requestedWindow(search, ignored, total, PAGE_SIZE);
  const assets = await listAssets(db, plant.id, { ...query, offset: window.offset, limit: window.limit });
  const { sort: _sort, dir: _dir, ...filters } = query;
  return {
    plant: { code: plant.code, name: plant.name },
    canImport: can(user, "import:assets", plant.id),
    zones: zones.map((z) => ({ id: z.id, name: z.name })),
    assets,
    filters: { ...filters, zone: zone === null ? "" : String(zone) },
    sort,
    dir,
    window,
    total,
    ignored,
  };
}

export async function action({ params, request }: ActionFunctionArgs) {
  // The server has read an upload part by part and refused it past 8 MB before this action runs.
  const { form, ...act } = await plantAct(request, params.code);
  if (form.intent === "import-assets") return importAssetsIntent(act, form);
  throw data(`Unknown action “${String(form.intent ?? "").slice(0, 40)}”.`, { status: 400 });
}

export default function PlantAssetsPage() {
  const { plant, ignored } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}#assets`}>{plant.code}</Link> / Assets
      </nav>
      <h1>
        Assets of {plant.name} <span className="muted mono">{plant.code}</span>
      </h1>
      <IgnoredParams ignored={ignored} />
      <AssetsPanel reply={reply} />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Assets of ${data.plant.code} ${data.plant.name} · Segmentation Tracker`
      : "Plant not found · Segmentation Tracker",
  },
];
