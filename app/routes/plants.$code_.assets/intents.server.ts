import { describeProblem, firstProblems } from "~/domain/asset-import";
import { importAssets } from "~/models/asset-import.server";
import type { ImportDone } from "~/components/AssetImportForm";
import { requirePermission } from "~/http/auth.server";
import { refuse } from "~/utils/forms.server";
import type { PlantActContext } from "../plants.$code/intents.server";

/**
 * The inventory import: the whole file is one act. It answers on the page (the counts, or every bad row) rather than
 * redirecting, so the summary stays beside the form.
 */
export async function importAssetsIntent(ctx: PlantActContext, form: Record<string, FormDataEntryValue>) {
  const { db, user, plant } = ctx;
  const intent = "import-assets";
  requirePermission(user, "import:assets", plant.id);
  const file = form.file;
  if (!(file instanceof Blob) || file.size === 0) {
    return refuse(intent, 400, "Nothing was imported.", { file: ["Choose a CSV file to import."] });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return refuse(intent, 400, "Nothing was imported.", {
      file: ["The file is not UTF-8 text; export the CSV as UTF-8."],
    });
  }
  const label = "name" in file && typeof file.name === "string" ? file.name.slice(0, 120) : undefined;
  const result = await importAssets(db, user, { plantCode: plant.code, text, label });
  if (!result.ok) {
    const count = result.problems.length;
    const { listed, more } = firstProblems(result.problems);
    return refuse(
      intent,
      400,
      `${count} problem${count === 1 ? "" : "s"} in the file; nothing was imported.`,
      // The first ones are listed; the rest are counted, not sent.
      { file: [...listed.map(describeProblem), ...(more > 0 ? [`… and ${more} more`] : [])] }
    );
  }
  return { intent, imported: result.summary } satisfies ImportDone;
}
