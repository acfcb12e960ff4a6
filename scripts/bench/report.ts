import type { BackendName } from "./databases";
import { round } from "./measure";
import type { BackendResult, IngestFigures } from "./run";

// What the benchmark prints: one engine's table as it always has, or the engines side by side with the ratio of
// PostgreSQL's figures to SQLite's.

/** PostgreSQL's million-line ingest is to take at most this many times SQLite's. */
const POSTGRES_INGEST_TO_SQLITE = 1.5;

function table(head: string[], rows: string[][], leftColumns: number): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)];
}

function ingestLine(f: IngestFigures): string {
  return `ingest ${f.lines} lines: ${f.seconds} s, ${f.linesPerSecond} lines/s, ${f.ratioToFloor}× the plain read (${f.floorSeconds} s), peak RSS ${f.peakRssMb} MB; ${f.counted} counted, ${f.conduitDays} conduit-days, ${f.stagedHosts} staged hosts`;
}

function targetsLine(targets: Record<string, boolean | null>): string {
  return `targets: ${Object.entries(targets)
    .map(([name, ok]) => `${name} ${ok === null ? "not measured" : ok ? "met" : "MISSED"}`)
    .join(", ")}`;
}

/** One engine's figures, as the benchmark has always printed them. */
export function printOne(result: BackendResult): void {
  const rows = Object.values(result.routes).map((f) => [
    f.label,
    f.path,
    f.medianMs.toFixed(1),
    f.p95Ms.toFixed(1),
    f.requestsPerSecond.toFixed(0),
    `${f.medianToFloor.toFixed(1)}×`,
    f.coldMs.toFixed(0),
  ]);
  const { counts } = result;
  console.log(
    `${counts.plants} plants (${counts.assets} assets, ${counts.observations} observations), imported in ${result.importSeconds} s into ${result.backend} (${result.databaseMb} MB)`
  );
  console.log(
    `${result.connections} concurrent connections, ${result.durationSeconds} s per route; server peak RSS ${result.serverPeakRssMb} MB`
  );
  for (const line of table(["route", "path", "median ms", "p95 ms", "req/s", "median/floor", "cold ms"], rows, 2))
    console.log(line);
  const sizes =
    result.ingestSmall.lines === result.ingest.lines ? [result.ingest] : [result.ingestSmall, result.ingest];
  for (const f of sizes) console.log(ingestLine(f));
  const n = result.notifier;
  console.log(
    `notifier, first pass over every plant: ${n.seconds} s, ${n.notifications} notifications for ${n.people} people, ${n.outbox} outbox messages, peak RSS ${n.peakRssMb} MB`
  );
  console.log(targetsLine(result.targets));
}

/** The ratio of PostgreSQL's figures to SQLite's, where both engines ran. */
export function comparison(results: Partial<Record<BackendName, BackendResult>>) {
  const { sqlite, postgres } = results;
  if (!sqlite || !postgres) return null;
  const ratio = (pg: number | null, lite: number | null) =>
    pg === null || lite === null || lite === 0 ? null : round(pg / lite);
  const ingestRatio = ratio(postgres.ingest.seconds, sqlite.ingest.seconds);
  return {
    ingestLines: postgres.ingest.lines,
    ingestRatioPostgresToSqlite: ingestRatio,
    ingestSmallRatioPostgresToSqlite: ratio(postgres.ingestSmall.seconds, sqlite.ingestSmall.seconds),
    importRatioPostgresToSqlite: ratio(postgres.importSeconds, sqlite.importSeconds),
    routes: Object.fromEntries(
      Object.keys(sqlite.routes)
        .filter((name) => postgres.routes[name])
        .map((name) => [
          name,
          {
            medianRatio: ratio(postgres.routes[name]!.medianMs, sqlite.routes[name]!.medianMs),
            p95Ratio: ratio(postgres.routes[name]!.p95Ms, sqlite.routes[name]!.p95Ms),
          },
        ])
    ),
    targets: {
      postgresIngestWithin1_5xSqlite: ingestRatio !== null && ingestRatio <= POSTGRES_INGEST_TO_SQLITE,
    },
  };
}

/** The engines side by side: every route's median and p95, the ingests, the import, memory and the notifier. */
export function printSideBySide(results: Partial<Record<BackendName, BackendResult>>): void {
  const names = Object.keys(results) as BackendName[];
  const all = names.map((name) => results[name]!);
  const first = all[0]!;
  const both = comparison(results);
  const ratioOf = (pg: number | null | undefined, lite: number | null | undefined) =>
    both && typeof pg === "number" && typeof lite === "number" && lite > 0 ? `${(pg / lite).toFixed(2)}×` : "";
  const rows: string[][] = [];
  const row = (label: string, pick: (r: BackendResult) => number | null | undefined, unit: string, places = 1) =>
    rows.push([
      label,
      ...all.map((r) => {
        const v = pick(r);
        return typeof v === "number" ? `${v.toFixed(places)}${unit}` : "—";
      }),
      ...(both ? [ratioOf(pick(results.postgres!), pick(results.sqlite!))] : []),
    ]);
  row("import", (r) => (r.importSeconds > 0 ? r.importSeconds : null), " s");
  row("database size", (r) => r.databaseMb, " MB");
  for (const name of Object.keys(first.routes)) {
    const label = first.routes[name]!.label;
    row(`${label} p50`, (r) => r.routes[name]?.medianMs, " ms");
    row(`${label} p95`, (r) => r.routes[name]?.p95Ms, " ms");
  }
  row("server peak RSS (Node)", (r) => r.serverPeakRssMb, " MB");
  if (first.ingestSmall.lines !== first.ingest.lines) {
    row(`ingest ${first.ingestSmall.lines} lines`, (r) => r.ingestSmall.seconds, " s", 2);
  }
  row(`ingest ${first.ingest.lines} lines`, (r) => r.ingest.seconds, " s", 2);
  row("  lines/s", (r) => r.ingest.linesPerSecond, "", 0);
  row("  × the plain read", (r) => r.ingest.ratioToFloor, "×", 2);
  row("  peak RSS (Node)", (r) => r.ingest.peakRssMb, " MB");
  row("notifier first pass", (r) => r.notifier.seconds, " s", 2);
  row("  peak RSS (Node)", (r) => r.notifier.peakRssMb, " MB");
  console.log(
    `${first.counts.plants} plants (${first.counts.assets} assets, ${first.counts.observations} observations); ${first.connections} concurrent connections, ${first.durationSeconds} s per route; one engine after the other on the same machine`
  );
  for (const line of table(["", ...names, ...(both ? ["postgres/sqlite"] : [])], rows, 1)) console.log(line);
  console.log(
    "peak RSS is the Node processes' (server and workers, the ingest command, the notifier); the PostgreSQL server's own memory is not in it"
  );
  for (const r of all) console.log(`${r.backend} ${targetsLine(r.targets)}`);
  if (both) {
    const ratio = both.ingestRatioPostgresToSqlite;
    console.log(
      `ingest ratio postgres/sqlite at ${both.ingestLines} lines: ${
        ratio ?? "—"
      }× (target at most ${POSTGRES_INGEST_TO_SQLITE}×: ${
        both.targets.postgresIngestWithin1_5xSqlite ? "met" : "MISSED"
      })`
    );
  }
}
