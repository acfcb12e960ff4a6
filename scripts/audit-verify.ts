import fs from "node:fs";
import { verifyAuditChain } from "../app/models/audit.server";
import { closeDb, databasePath, databaseTarget, getDb, isPostgresUrl } from "../app/utils/db.server";

// `npm run audit:verify`: walks the hash chain of the audit trail at DATABASE_URL, else DATABASE_PATH.
// Exit 0: intact. Exit 1: broken, naming the first event that does not fit. Exit 2: the trail cannot be read.

async function main(): Promise<number> {
  const file = databasePath();
  // Opening would create an empty file at a mistyped path and then report on nothing (a PostgreSQL database that is
  // not there fails to open instead).
  if (!isPostgresUrl(databaseTarget()) && !fs.existsSync(file)) {
    console.error(`Cannot use the database at ${file}: no such file.`);
    return 2;
  }
  let verdict;
  try {
    verdict = await verifyAuditChain(getDb());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      reason.startsWith("Cannot use the database")
        ? reason
        : `Cannot read the audit trail at ${file}: ${reason.replace(/\.$/, "")}.`
    );
    return 2;
  } finally {
    await closeDb().catch(() => undefined);
  }
  if (!verdict.ok) {
    console.log(`Audit trail broken at event ${verdict.seq}: ${verdict.reason}.`);
    return 1;
  }
  console.log(`Audit trail intact: ${verdict.count} ${verdict.count === 1 ? "event" : "events"}.`);
  if (verdict.last) {
    console.log(
      `Latest event ${verdict.last.seq} has hash ${verdict.last.hash}; a later run that no longer reaches it means the trail was cut short.`
    );
  }
  return 0;
}

process.exitCode = await main();
