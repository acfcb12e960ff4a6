import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DiagramLegendText, PlantDiagramFigure } from "~/components/PlantDiagramFigure";
import { loadPlantDiagrams, requireDiagramReader } from "~/http/plant-diagrams.server";
import { getDb } from "~/utils/db.server";

// A plant's zones and conduits as a picture, large: the diagram with its legend, the legend in words, and the
// diagram as SVG and PNG files. The plant page's tables are its text equivalent.

export async function loader({ params, request }: LoaderFunctionArgs) {
  const { plant, full } = await requireDiagramReader(request, params.code);
  const [loaded] = (await loadPlantDiagrams(getDb(), [plant], new Date().toISOString())).values();
  if (!loaded) throw new Error(`No readiness for ${plant.code}`);
  return {
    plant: { code: plant.code, name: plant.name },
    full,
    diagram: loaded.diagram,
    computedAt: loaded.computedAt,
  };
}

export default function PlantDiagramPage() {
  const { plant, full, diagram, computedAt } = useLoaderData<typeof loader>();
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
        <p className="computed-at">
          Computed <time dateTime={computedAt}>{computedAt.replace("T", " ").slice(0, 16)} UTC</time>
        </p>
      </div>
      {diagram.zones.length === 0 ? (
        <p className="muted">No zones are defined yet.</p>
      ) : (
        <PlantDiagramFigure plantCode={plant.code} diagram={diagram} full={full} size="large">
          {full
            ? "Each zone leads to its assets, each conduit to its page. "
            : "You are not assigned to this plant, so its zones and conduits do not lead to their details. "}
          The same zones and conduits are listed as tables on{" "}
          <Link to={`/plants/${plant.code}#zones`}>the plant page</Link>.
        </PlantDiagramFigure>
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
