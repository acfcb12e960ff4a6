import { sql } from "kysely";
import { migrateToLatest } from "../db/migrate";
import { DEFAULT_SEED } from "../db/seed/demo-program";
import { printDemoAccounts, seedDemo } from "./demo";
import { databasePath, isPostgres, openDatabase, type DB } from "../app/utils/db.server";
import { applicationTables } from "../db/backend";

// `npm run seed`: migrate the database at DATABASE_PATH and seed the demo program into it.
//   --reset    empty every table first (one transaction), then seed
//   --seed N   vary the program (same N, same program)

const USAGE = "Usage: npm run seed -- [--reset] [--seed N]";

interface Options {
  reset: boolean;
  seed: number;
}

function parseArgs(args: readonly string[]): Options {
  const options: Options = { reset: false, seed: DEFAULT_SEED };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--reset") {
      options.reset = true;
    } else if (arg === "--seed" || arg.startsWith("--seed=")) {
      const raw = arg === "--seed" ? args[++i] : arg.slice("--seed=".length);
      // The generator works on 32 bits; larger numbers would silently alias smaller ones.
      if (raw === undefined || !/^\d{1,10}$/.test(raw) || Number(raw) > 0xffffffff) {
        throw new Error(`--seed needs a whole number from 0 to 4294967295, not “${raw ?? ""}”. ${USAGE}`);
      }
      options.seed = Number(raw);
    } else {
      throw new Error(`Unknown option “${arg}”. ${USAGE}`);
    }
  }
  return options;
}

/**
 * Deletes every row of every application table in one transaction, children before parents. The audit trail
 * refuses deletes by trigger; the triggers are lifted for this transaction only and restored as they were.
 */
async function emptyDatabase(db: DB): Promise<void> {
  if (isPostgres(db)) {
    // TRUNCATE fires no row triggers (the trail's refusal of deletes) and starts the ids again at 1.
    await db.transaction().execute(async (trx) => {
      const tables = await applicationTables(trx);
      await sql`truncate ${sql.join(tables.map((table) => sql.table(table)))} restart identity cascade`.execute(trx);
    });
    return;
  }
  await db.transaction().execute(async (trx) => {
    const tables = await applicationTables(trx);
    const parents = new Map<string, Set<string>>();
    for (const table of tables) {
      const { rows } = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${table})`.execute(trx);
      parents.set(table, new Set(rows.map((row) => row.table).filter((parent) => parent !== table)));
    }
    const order: string[] = [];
    const remaining = new Set(tables);
    while (remaining.size > 0) {
      const leaves = [...remaining].filter((table) => ![...remaining].some((other) => parents.get(other)?.has(table)));
      if (leaves.length === 0)
        throw new Error(`Cannot order the tables for deletion: ${[...remaining].join(", ")} refer to each other.`);
      for (const table of leaves) {
        order.push(table);
        remaining.delete(table);
      }
    }

    const { rows: triggers } = await sql<{ name: string; sql: string }>`
      select name, sql from sqlite_master where type = 'trigger' order by name`.execute(trx);
    for (const trigger of triggers) await sql`drop trigger ${sql.id(trigger.name)}`.execute(trx);
    for (const table of order) await sql`delete from ${sql.table(table)}`.execute(trx);
    for (const trigger of triggers) await sql.raw(trigger.sql).execute(trx);

    // Ids start again at 1, so a reset seed is the same program as a first seed.
    const sequence = await sql<{ n: number }>`
      select count(*) as n from sqlite_master where type = 'table' and name = 'sqlite_sequence'`.execute(trx);
    if (Number(sequence.rows[0]?.n ?? 0) > 0) await sql`delete from sqlite_sequence`.execute(trx);
  });
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const file = databasePath();
  const db = openDatabase();
  try {
    await migrateToLatest(db);
    const { plants } = await db
      .selectFrom("plant")
      .select((eb) => eb.fn.countAll<number>().as("plants"))
      .executeTakeFirstOrThrow();
    if (Number(plants) > 0 && !options.reset) {
      console.error(`The database at ${file} already holds a program; run with --reset to replace it.`);
      return 1;
    }

    const started = performance.now();
    if (options.reset) await emptyDatabase(db);
    const summary = await seedDemo(db, { seed: options.seed });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);

    console.log(`Seeded the demo program into ${file} (seed ${summary.seed}) in ${seconds} s.`);
    const tables = await applicationTables(db);
    const width = Math.max(...tables.map((table) => table.length));
    for (const table of tables) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
      console.log(
        `  ${table.padEnd(width)}  ${Number(rows[0]?.n ?? 0)
          .toLocaleString("en-US")
          .padStart(6)}`
      );
    }
    printDemoAccounts(summary);
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
);
