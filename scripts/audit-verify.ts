import { verifyAuditChain } from "../app/models/audit.server";
import { closeDb, databasePath, getDb, missingDatabase } from "../app/utils/db.server";

// `npm run audit:verify`: walks the hash chain of the audit trail of the database (DATABASE_URL, else DATABASE_PATH).
// Exit 0: intact. Exit 1: broken, naming the first event that does not fit. Exit 2: the trail cannot be read.

async function main(): Promise<number> {
  const file = databasePath();
  const missing = await missingDatabase();
  if (missing) {
    console.error(missing);
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

process.exitCode = await main().catch((error: unknown) => {
  // A setting that names no database (DATABASE_URL that is no PostgreSQL URL) is one sentence too.
  console.error(error instanceof Error ? error.message : String(error));
  return 2;
});
