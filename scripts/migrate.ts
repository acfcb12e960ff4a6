import { migrateToLatest } from "../db/migrate";
import { checkDatabase, closeDb, databasePath, getDb } from "../app/utils/db.server";

try {
  // A database that cannot be reached is named in one line (without its password), not as a driver's stack.
  await checkDatabase(getDb());
  const applied = await migrateToLatest(getDb());
  console.log(
    applied.length === 0
      ? `The database at ${databasePath()} is up to date.`
      : `Applied ${applied.length} migration(s) to ${databasePath()}: ${applied.join(", ")}`
  );
  await closeDb();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  await closeDb().catch(() => undefined);
  process.exit(1);
}
