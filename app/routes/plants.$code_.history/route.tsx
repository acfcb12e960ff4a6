import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import { PlantHistory } from "~/components/PlantHistory";
import { pageWindow, parsePage } from "~/domain/listing";
import { can } from "~/domain/permissions";
import { loadSettings } from "~/models/baseline-settings.server";
import { requirePlantDetail } from "~/http/plant-guard.server";
import { plantHistorySlice } from "~/http/plant-history.server";
import { readinessOf } from "~/http/readiness-cache.server";
import { getDb } from "~/utils/db.server";

// A plant's history: gates passed, signoffs given, revoked and gone stale, cutovers, baselines matured or stalled,
// alerts wired and waivers, with who and when. `$code_` keeps it out of the plant page's layout.

const PAGE_SIZE = 50;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { user, plant } = await requirePlantDetail(request, params.code);
  const db = getDb();
  const ignored: string[] = [];
  const requested = parsePage(new URL(request.url).searchParams, ignored);
  const [[readiness], settings] = await Promise.all([
    readinessOf(db, new Date().toISOString(), [plant.code]),
    loadSettings(db),
  ]);
  const thresholds = { matureDays: settings.matureDays, stallDays: settings.stallDays };
  // The total first (a page past the end shows the last), then the page itself.
  const { total } = await plantHistorySlice(plant, readiness!, thresholds, { offset: 0, limit: 0 });
  const window = pageWindow(requested, total, PAGE_SIZE);
  if (window.page !== requested) ignored.push(`page ${requested} does not exist; showing page ${window.page}`);
  const { entries } = await plantHistorySlice(plant, readiness!, thresholds, window);
  return {
    plant: { code: plant.code, name: plant.name, timeZone: plant.time_zone },
    entries,
    total,
    window,
    ignored,
    canReadAudit: can(user, "read:audit", plant.id),
  };
}

export default function PlantHistoryPage() {
  const { plant, entries, total, window, ignored, canReadAudit } = useLoaderData<typeof loader>();
  return (
    <div className="history-page">
      <p>
        <Link to={`/plants/${plant.code}`}>← {plant.name}</Link>
      </p>
      <h1>
        History of {plant.name} <span className="muted">({plant.code})</span>
      </h1>
      <p className="muted">
        Gates passed, signoffs given, revoked and gone stale, cutovers, baselines matured or stalled, alerts wired and
        waivers, newest first, in the plant's time ({plant.timeZone}).
        {canReadAudit ? (
          <>
            {" "}
            Every change, with what it was before and after, is in the{" "}
            <Link to={`/plants/${plant.code}/audit`}>audit trail</Link>.
          </>
        ) : null}
      </p>
      <IgnoredParams ignored={ignored} />
      {entries.length === 0 ? (
        <p className="muted">Nothing has happened at this plant yet.</p>
      ) : (
        <PlantHistory entries={entries} timeZone={plant.timeZone} headingLevel={2} />
      )}
      <PagerPastOnePage list={{ window, total, rows: entries }} noun="history entries" />
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `History${data?.plant ? ` · ${data.plant.code}` : ""} · Segmentation Tracker` },
];
