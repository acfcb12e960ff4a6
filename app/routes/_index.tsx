import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PhaseBadge } from "~/components/PhaseBadge";
import { SortHeader } from "~/components/SortHeader";
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

function sortValue(plant: PlantSummary & { offsetMinutes: number }, key: SortKey): string | number | null {
  switch (key) {
    case "code":
      return plant.code;
    case "name":
      return plant.name;
    case "local_time":
      return plant.offsetMinutes;
    case "region":
      return plant.region;
    case "phase":
      return phaseIndex(plant.phase);
    case "assets":
      return plant.assetCount;
    case "zones":
      return plant.zoneCount;
    case "conduits":
      return plant.conduitCount;
    case "target":
      return plant.targetAlerting;
  }
}

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
  plants.sort((a, b) => sign * compareValues(sortValue(a, sort), sortValue(b, sort)) || compareValues(a.code, b.code));

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
        <li>
          <span className="value">{plants.length}</span>
          <span className="label">Plants</span>
        </li>
        {PHASES.map((phase) => (
          <li key={phase}>
            <span className="value">{byPhase[phase]}</span>
            <span className="label">{PHASE_LABELS[phase]}</span>
          </li>
        ))}
        {byPhase.complete > 0 ? (
          <li>
            <span className="value">{byPhase.complete}</span>
            <span className="label">{PHASE_LABELS.complete}</span>
          </li>
        ) : null}
      </ul>

      <div className="table-wrap">
        <table>
          <caption>
            {plants.length} plants · {totals.assets.toLocaleString("en-US")} assets · {totals.zones} zones ·{" "}
            {totals.conduits} conduits
          </caption>
          <thead>
            <tr>
              <SortHeader column="code" label="Code" sort={sort} dir={dir} />
              <SortHeader column="name" label="Plant" sort={sort} dir={dir} />
              <SortHeader column="local_time" label="Local time" sort={sort} dir={dir} />
              <SortHeader column="region" label="Region" sort={sort} dir={dir} />
              <SortHeader column="phase" label="Current phase" sort={sort} dir={dir} />
              <SortHeader column="assets" label="Assets" sort={sort} dir={dir} numeric firstDir="desc" />
              <SortHeader column="zones" label="Zones" sort={sort} dir={dir} numeric firstDir="desc" />
              <SortHeader column="conduits" label="Conduits" sort={sort} dir={dir} numeric firstDir="desc" />
              <SortHeader column="target" label="Alerting target" sort={sort} dir={dir} />
            </tr>
          </thead>
          <tbody>
            {plants.map((plant) => (
              <tr key={plant.code}>
                <td className="mono">
                  <Link to={`/plants/${plant.code}`}>{plant.code}</Link>
                </td>
                <td>
                  <Link to={`/plants/${plant.code}`}>{plant.name}</Link>
                  <div className="muted">{plant.site}</div>
                </td>
                <td>
                  <span suppressHydrationWarning>
                    {plant.clock.time} {plant.clock.abbreviation}
                  </span>
                  <div className="muted">{plant.timeZone}</div>
                </td>
                <td>{plant.region}</td>
                <td>
                  <PhaseBadge phase={plant.phase} />
                </td>
                <td className="num">{plant.assetCount.toLocaleString("en-US")}</td>
                <td className="num">{plant.zoneCount}</td>
                <td className="num">{plant.conduitCount}</td>
                <td>{formatDate(plant.targetAlerting)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Program overview · Segmentation Tracker" }];
