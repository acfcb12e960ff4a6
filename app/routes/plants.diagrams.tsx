import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ComputedAt } from "~/components/ComputedAt";
import { IgnoredParams } from "~/components/IgnoredParams";
import { PagerPastOnePage } from "~/components/PagerPastOnePage";
import { DiagramLegendText, PlantDiagramFigure } from "~/components/PlantDiagramFigure";
import { RenderedOnce } from "~/components/RenderedOnce";
import type { DiagramInput } from "~/domain/diagram-layout";
import { requestedWindow } from "~/domain/listing";
import { requirePermission, requireUser } from "~/http/auth.server";
import { loadPlantDiagrams } from "~/http/plant-diagrams.server";
import { loadRollup, rollupView } from "~/http/readiness-cache.server";
import { getDb } from "~/utils/db.server";

// The program's zones and conduits at a glance: every plant's diagram, small, a page of them at a time, each
// leading to its plant's diagram page. Every reader of the program sees every plant's (as on /plants). A page is
// read with one query per kind of fact for its plants, and drawn once while nothing in the program changes.

/** Plants per page: small enough to draw and read at once. */
const PAGE_SIZE = 12;

interface DiagramsPage {
  plants: { code: string; name: string; site: string; diagram: DiagramInput }[];
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  requirePermission(user, "read:program");
  const db = getDb();
  const now = new Date();
  const rollup = await loadRollup(db, now);
  const ignored: string[] = [];
  const window = requestedWindow(new URL(request.url).searchParams, ignored, rollup.plants.length, PAGE_SIZE);
  const byCode = [...rollup.plants].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const shown = byCode.slice(window.offset, window.offset + window.limit);
  // The same for every reader of the program: read and drawn once per rollup and page.
  const page = await rollupView(rollup, `diagrams?page=${window.page}`, async (): Promise<DiagramsPage> => {
    const diagrams = await loadPlantDiagrams(db, shown, now.toISOString());
    return {
      plants: shown.flatMap((plant) => {
        const loaded = diagrams.get(plant.code);
        return loaded ? [{ code: plant.code, name: plant.name, site: plant.site, diagram: loaded.diagram }] : [];
      }),
    };
  });
  return { ignored, window, total: rollup.plants.length, page, computedAt: rollup.computedAt };
}

export default function PlantDiagrams() {
  const { ignored, window, total, page, computedAt } = useLoaderData<typeof loader>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to="/plants">Plants</Link> / Diagrams
      </nav>
      <div className="page-head">
        <div>
          <h1>Zones and conduits of every plant</h1>
          <p className="lede">
            Each plant&apos;s diagram, small; its name leads to the diagram large, with its downloads. Plants{" "}
            {window.offset + 1}–{window.offset + page.plants.length} of {total}, by code.
          </p>
        </div>
        <ComputedAt at={computedAt} />
      </div>
      <IgnoredParams ignored={ignored} />
      <details>
        <summary>Legend</summary>
        <DiagramLegendText />
      </details>
      <RenderedOnce of={page} part="diagrams">
        <ul className="diagram-grid">
          {page.plants.map((plant) => (
            <li key={plant.code}>
              <h2>
                <a href={`/plants/${plant.code}/diagram`}>
                  <span className="mono">{plant.code}</span> {plant.name}
                </a>
              </h2>
              {plant.diagram.zones.length === 0 ? (
                <p className="muted">No zones are defined yet.</p>
              ) : (
                <PlantDiagramFigure
                  plantCode={plant.code}
                  diagram={plant.diagram}
                  full={false}
                  size="small"
                  legend={false}
                />
              )}
            </li>
          ))}
        </ul>
      </RenderedOnce>
      <PagerPastOnePage list={{ window, total, rows: page.plants }} noun="plants" />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Diagrams of every plant · Segmentation Tracker" }];
