import { migrateToLatest } from "../db/migrate";
import { closeDb, databasePath, getDb } from "../app/utils/db.server";

try {
  const applied = await migrateToLatest(getDb());
  console.log(
    applied.length === 0
      ? `The database at ${databasePath()} is up to date.`
      : `Applied ${applied.length} migration(s) to ${databasePath()}: ${applied.join(", ")}`
  );
  await closeDb();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
