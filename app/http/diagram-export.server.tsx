import fs from "node:fs";
import { Resvg } from "@resvg/resvg-js";
import { renderToStaticMarkup } from "react-dom/server";
import { PlantDiagram } from "~/components/PlantDiagram";
import { layoutDiagram, type DiagramInput } from "~/domain/diagram-layout";
import { keptPerChange } from "~/http/kept-per-change.server";
import { loadPlantDiagrams } from "~/http/plant-diagrams.server";
import { getDb } from "~/utils/db.server";

// A plant's diagram as files: SVG, and PNG drawn from the same SVG with resvg. The files have no links (a file
// leads nowhere), so they are the same for every reader and are kept per change of the plant.

/** The font the diagram is measured for (app/domain/text-width.ts); the system's other fonts when it is missing. */
const DEJAVU_SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const fontOptions = fs.existsSync(DEJAVU_SANS)
  ? { fontFiles: [DEJAVU_SANS], loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" }
  : { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" };

/** The PNG's pixels per SVG pixel: sharp enough to read and print. */
const PNG_SCALE = 2;

export interface DiagramFiles {
  svg: string;
  png: () => Buffer;
  computedAt: string;
}

/** The diagram as an SVG document. */
function diagramSvg(plant: { code: string; name: string }, diagram: DiagramInput): string {
  const markup = renderToStaticMarkup(
    <PlantDiagram
      layout={layoutDiagram(diagram)}
      input={diagram}
      title={`Zones and conduits of ${plant.code} ${plant.name}`}
      idPrefix="diagram"
      links={null}
      legend
      standalone
    />
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${markup}\n`;
}

/** An SVG document drawn as PNG. */
function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { font: fontOptions, fitTo: { mode: "zoom", value: PNG_SCALE } });
  return resvg.render().asPng();
}

const files = keptPerChange<{ svg: string; png: Buffer | null; computedAt: string }>(50);

/** The plant's diagram files as of now, kept while nothing the diagram shows has changed. */
export async function plantDiagramFiles(plant: { id: number; code: string; name: string }): Promise<DiagramFiles> {
  const db = getDb();
  const [loaded] = (await loadPlantDiagrams(db, [plant], new Date().toISOString())).values();
  if (!loaded) throw new Error(`No readiness for ${plant.code}`);
  const kept = await files(`${plant.code}|${loaded.computedAt}`, () =>
    Promise.resolve({ svg: diagramSvg(plant, loaded.diagram), png: null, computedAt: loaded.computedAt })
  );
  return {
    svg: kept.svg,
    computedAt: kept.computedAt,
    png: () => (kept.png ??= svgToPng(kept.svg)),
  };
}

/** A download's answer: the file, named after the plant and the instant it shows. */
export function diagramDownload(code: string, computedAt: string, extension: "svg" | "png", body: string | Buffer) {
  const stamp = computedAt.slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return new Response(typeof body === "string" ? body : new Uint8Array(body), {
    headers: {
      "Content-Type": extension === "svg" ? "image/svg+xml; charset=utf-8" : "image/png",
      "Content-Disposition": `attachment; filename="${code.toLowerCase()}-zones-and-conduits-${stamp}Z.${extension}"`,
      "X-Computed-At": computedAt,
      "Cache-Control": "no-store",
    },
  });
}
