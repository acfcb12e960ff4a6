import { parseArgs } from "node:util";
import { DateTime } from "luxon";
import { PHASE_LABELS } from "../app/domain/vocabulary";
import { readinessDocument } from "../app/domain/readiness";
import { computeReadinessOf } from "../app/models/readiness.server";
import { closeDb, getDb } from "../app/utils/db.server";
import { migrateToLatest } from "../db/migrate";

// `npm run readiness -- [--plant CODE] [--at ISO-8601] [--json]`

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: { plant: { type: "string" }, at: { type: "string" }, json: { type: "boolean", default: false } },
      strict: true,
    });
  } catch (error) {
    return fail(
      `${
        error instanceof Error ? error.message : String(error)
      }. Usage: npm run readiness -- [--plant CODE] [--at ISO-8601] [--json]`
    );
  }
})();

const at = values.at === undefined ? DateTime.utc() : DateTime.fromISO(values.at, { setZone: true });
if (!at.isValid)
  fail(`--at “${values.at}” is not an ISO-8601 date or instant, e.g. 2026-12-01 or 2026-12-01T08:00:00Z.`);
const instant = at.toUTC().toISO();

try {
  const db = getDb();
  await migrateToLatest(db);
  const code = values.plant?.toUpperCase();
  const plants = await computeReadinessOf(db, instant, code ? [code] : undefined);
  if (code && plants.length === 0) fail(`No plant in the program has the code “${values.plant}”.`);
  if (values.json) {
    console.log(JSON.stringify({ at: instant, plants: plants.map(readinessDocument) }, null, 2));
  } else {
    console.log(`Readiness at ${instant}`);
    for (const plant of plants) {
      console.log(
        `\n${plant.code}  ${PHASE_LABELS[plant.phase]}  forecast live: ${
          plant.forecastLive ?? `— (${plant.forecastReason})`
        }`
      );
      for (const gate of plant.gates) {
        console.log(`  ${gate.phase.padEnd(10)} ${gate.status}`);
        if (gate.status === "passed") continue;
        for (const criterion of gate.criteria) {
          const mark = criterion.met ? "ok  " : criterion.waived ? "waiv" : "MISS";
          console.log(`    ${mark} ${criterion.code.padEnd(13)} ${criterion.met ? "" : criterion.message}`);
        }
      }
      if (plant.design.length > 0) {
        console.log("  design review:");
        for (const finding of plant.design) {
          console.log(
            `    ${finding.severity === "error" ? "ERR " : "WARN"} ${finding.code.padEnd(24)} ${finding.message}`
          );
        }
      }
      if (plant.conduits.length > 0) {
        console.log("  conduits:");
        for (const conduit of plant.conduits) {
          const b = conduit.baseline;
          console.log(
            `    ${conduit.name.padEnd(38).slice(0, 38)} ${conduit.state.padEnd(12)} baseline ${b.status.padEnd(
              10
            )} ${String(b.countedDays).padStart(3)} days${
              b.matureOn ? `, mature ${b.matureOn}` : b.earliestMaturity ? `, earliest ${b.earliestMaturity}` : ""
            }`
          );
        }
      }
    }
  }
  await closeDb();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
