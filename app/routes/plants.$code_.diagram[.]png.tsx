import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadOrRefusal } from "~/http/audit-trail.server";
import { diagramDownload, plantDiagramFiles } from "~/http/diagram-export.server";
import { requireDiagramReader } from "~/http/plant-diagrams.server";

// GET /plants/:code/diagram.png: the plant's zones and conduits with the legend, drawn from the SVG file as PNG.
export async function loader({ params, request }: LoaderFunctionArgs) {
  return downloadOrRefusal(async () => {
    const { plant } = await requireDiagramReader(request, params.code);
    const files = await plantDiagramFiles(plant);
    return diagramDownload(plant.code, files.computedAt, "png", files.png());
  });
}
