import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ComputedAt } from "~/components/ComputedAt";
import { DiagramLegendText, PlantDiagramFigure } from "~/components/PlantDiagramFigure";
import { RenderedOnce } from "~/components/RenderedOnce";
import type { DiagramInput } from "~/domain/diagram-layout";
import { keptPerChange } from "~/http/kept-per-change.server";
import { loadPlantDiagrams, requireDiagramReader } from "~/http/plant-diagrams.server";
import { getDb } from "~/utils/db.server";

// A plant's zones and conduits as a picture, large: the diagram with its legend, the legend in words, and the
// diagram as SVG and PNG files. The plant page's tables are its text equivalent.

/** The drawing's props, kept per change of the plant and per reach (with links or without), so it is drawn once. */
const drawings = keptPerChange<{ plantCode: string; full: boolean; diagram: DiagramInput }>(100);

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { plant, full } = await requireDiagramReader(request, params.code);
  const [loaded] = (await loadPlantDiagrams(getDb(), [plant], new Date().toISOString())).values();
  if (!loaded) throw new Error(`No readiness for ${plant.code}`);
  const drawing = await drawings(`${plant.code}|${loaded.computedAt}|${full ? "full" : "summary"}`, () =>
    Promise.resolve({ plantCode: plant.code, full, diagram: loaded.diagram })
  );
  return { plant: { code: plant.code, name: plant.name }, full, drawing, computedAt: loaded.computedAt };
}

export default function PlantDiagramPage() {
  const { plant, full, drawing, computedAt } = useLoaderData<typeof loader>();
  return (
    <>
      <nav aria-label="Breadcrumb" className="eyebrow">
        <Link to="/">Program</Link> / <Link to={`/plants/${plant.code}`}>{plant.code}</Link> / Diagram
      </nav>
      <div className="page-head">
        <div>
          <h1>
            Zones and conduits of {plant.name} <span className="muted mono">{plant.code}</span>
          </h1>
          <p className="lede">
            Download:{" "}
            <a href={`/plants/${plant.code}/diagram.svg`} download>
              SVG
            </a>
            {" · "}
            <a href={`/plants/${plant.code}/diagram.png`} download>
              PNG
            </a>
            {" · "}
            <Link to="/plants/diagrams">Every plant&apos;s diagram</Link>
          </p>
        </div>
        <ComputedAt at={computedAt} />
      </div>
      {drawing.diagram.zones.length === 0 ? (
        <p className="muted">No zones are defined yet.</p>
      ) : (
        <>
          <RenderedOnce of={drawing} part="diagram">
            <PlantDiagramFigure {...drawing} size="large" />
          </RenderedOnce>
          <p className="muted">
            {full
              ? "Each zone leads to its assets, each conduit to its page. "
              : "You are not assigned to this plant, so its zones and conduits do not lead to their details. "}
            The same zones and conduits are listed as tables on{" "}
            <Link to={`/plants/${plant.code}#zones`}>the plant page</Link>.
          </p>
        </>
      )}
      <section aria-labelledby="legend-title">
        <h2 id="legend-title">Legend</h2>
        <DiagramLegendText />
      </section>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Diagram · ${data.plant.code} ${data.plant.name} · Segmentation Tracker`
      : "Plant not found · Segmentation Tracker",
  },
];
