import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PhaseBadge } from "~/components/PhaseBadge";
import { DataTable, type Column } from "~/components/DataTable";
import { compareValues, parseSort } from "~/domain/listing";
import { phaseIndex } from "~/domain/phase";
import { formatDate, localClock } from "~/domain/time";
import { PHASE_LABELS, PHASES, type PlantPhase } from "~/domain/vocabulary";
import { listPlantSummaries, type PlantSummary } from "~/models/plants.server";
import { homePath } from "~/domain/permissions";
import { requirePermission, requireUser } from "~/http/auth.server";
import { getDb } from "~/utils/db.server";

const SORT_KEYS = ["code", "name", "local_time", "region", "phase", "assets", "zones", "conduits", "target"] as const;
type SortKey = (typeof SORT_KEYS)[number];

/** What each sort key compares a row by. */
const SORT_VALUES: Record<SortKey, (plant: PlantSummary & { offsetMinutes: number }) => string | number | null> = {
  code: (plant) => plant.code,
  name: (plant) => plant.name,
  local_time: (plant) => plant.offsetMinutes,
  region: (plant) => plant.region,
  phase: (plant) => phaseIndex(plant.phase),
  assets: (plant) => plant.assetCount,
  zones: (plant) => plant.zoneCount,
  conduits: (plant) => plant.conduitCount,
  target: (plant) => plant.targetAlerting,
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (homePath(user.role) !== "/") throw redirect(homePath(user.role));
  requirePermission(user, "read:program");
  const params = new URL(request.url).searchParams;
  const ignored: string[] = [];
  const { sort, dir } = parseSort(params, SORT_KEYS, { sort: "code", dir: "asc" }, ignored);
  const now = new Date();
  const plants = (await listPlantSummaries(getDb())).map((plant) => {
    const clock = localClock(now, plant.timeZone);
    return { ...plant, clock, offsetMinutes: clock.offsetMinutes };
  });
  const sign = dir === "asc" ? 1 : -1;
  plants.sort(
    (a, b) => sign * compareValues(SORT_VALUES[sort](a), SORT_VALUES[sort](b)) || compareValues(a.code, b.code)
  );

  const byPhase = Object.fromEntries([...PHASES, "complete"].map((phase) => [phase, 0])) as Record<PlantPhase, number>;
  for (const plant of plants) byPhase[plant.phase] += 1;

  return {
    plants,
    sort,
    dir,
    ignored,
    byPhase,
    totals: {
      assets: plants.reduce((sum, p) => sum + p.assetCount, 0),
      zones: plants.reduce((sum, p) => sum + p.zoneCount, 0),
      conduits: plants.reduce((sum, p) => sum + p.conduitCount, 0),
    },
    computedAt: now.toISOString(),
  };
}

const PLANT_COLUMNS: Column<Awaited<ReturnType<typeof loader>>["plants"][number]>[] = [
  {
    header: "Code",
    sort: { column: "code" },
    className: "mono",
    cell: (plant) => <Link to={`/plants/${plant.code}`}>{plant.code}</Link>,
  },
  {
    header: "Plant",
    sort: { column: "name" },
    cell: (plant) => (
      <>
        <Link to={`/plants/${plant.code}`}>{plant.name}</Link>
        <div className="muted">{plant.site}</div>
      </>
    ),
  },
  {
    header: "Local time",
    sort: { column: "local_time" },
    cell: (plant) => (
      <>
        <span suppressHydrationWarning>
          {plant.clock.time} {plant.clock.abbreviation}
        </span>
        <div className="muted">{plant.timeZone}</div>
      </>
    ),
  },
  { header: "Region", sort: { column: "region" }, cell: (plant) => plant.region },
  { header: "Current phase", sort: { column: "phase" }, cell: (plant) => <PhaseBadge phase={plant.phase} /> },
  {
    header: "Assets",
    num: true,
    sort: { column: "assets", firstDir: "desc" },
    cell: (plant) => plant.assetCount.toLocaleString("en-US"),
  },
  { header: "Zones", num: true, sort: { column: "zones", firstDir: "desc" }, cell: (plant) => plant.zoneCount },
  {
    header: "Conduits",
    num: true,
    sort: { column: "conduits", firstDir: "desc" },
    cell: (plant) => plant.conduitCount,
  },
  { header: "Alerting target", sort: { column: "target" }, cell: (plant) => formatDate(plant.targetAlerting) },
];

export default function ProgramOverview() {
  const { plants, sort, dir, ignored, byPhase, totals, computedAt } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-head">
        <div>
          <p className="eyebrow">Program overview</p>
          <h1>Plants in the segmentation program</h1>
          <p className="lede">
            Each plant moves through asset inventory, zoning, conduit definition, passive baseline and alerting live.
          </p>
        </div>
        <p className="computed-at">
          Computed <time dateTime={computedAt}>{computedAt.replace("T", " ").slice(0, 16)} UTC</time>
        </p>
      </div>

      <IgnoredParams ignored={ignored} />

      <ul className="stats" aria-label="Plants per phase">
        {[
          { label: "Plants", value: plants.length },
          ...PHASES.map((phase) => ({ label: PHASE_LABELS[phase], value: byPhase[phase] })),
          ...(byPhase.complete > 0 ? [{ label: PHASE_LABELS.complete, value: byPhase.complete }] : []),
        ].map((stat) => (
          <li key={stat.label}>
            <span className="value">{stat.value}</span>
            <span className="label">{stat.label}</span>
          </li>
        ))}
      </ul>

      <DataTable
        caption={`${plants.length} plants · ${totals.assets.toLocaleString("en-US")} assets · ${totals.zones} zones · ${
          totals.conduits
        } conduits`}
        columns={PLANT_COLUMNS}
        rows={plants}
        rowKey={(plant) => plant.code}
        sorted={{ sort, dir }}
      />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Program overview · Segmentation Tracker" }];
