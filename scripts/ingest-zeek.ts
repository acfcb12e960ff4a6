import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { LogLineError } from "../app/domain/log-lines";
import { createConnLogParser, isParseProblem, type ConnRecord, type ParseProblem } from "../app/domain/zeek";
import { withIngest, ZEEK_SOURCE, type IngestSummary } from "../app/models/evidence.server";
import { systemActor } from "../app/utils/actor";
import { closeDb, getDb } from "../app/utils/db.server";
import { ActError } from "../app/utils/errors";
import { readLogLines } from "../app/utils/log-lines.server";
import { migrateToLatest } from "../db/migrate";

// `npm run ingest:zeek -- --plant CODE [--dry-run] [--json] FILE...`: Zeek conn.logs (TSV or JSON lines, plain or
// gzipped), streamed; each file goes in whole or not at all (written in chunks, published at once: docs/evidence.md).

const USAGE = "Usage: npm run ingest:zeek -- --plant CODE [--dry-run] [--json] FILE...";
const BATCH = 2000;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      options: {
        plant: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}. ${USAGE}`);
  }
})();
if (!values.plant) fail(`--plant is required. ${USAGE}`);
if (positionals.length === 0) fail(`Name at least one conn.log file. ${USAGE}`);

interface FileReport {
  file: string;
  lines: number;
  problems: { count: number; first: ParseProblem[] };
  summary: IngestSummary;
}

async function ingestFile(file: string): Promise<FileReport> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`${file}: no such file.`);
  const size = fs.statSync(file).size;
  const problems = { count: 0, first: [] as ParseProblem[] };
  let lines = 0;
  const tty = process.stderr.isTTY === true;
  const summary = await withIngest(
    getDb(),
    {
      plantCode: values.plant!,
      source: ZEEK_SOURCE,
      dryRun: values["dry-run"],
      actor: systemActor("ingest:zeek"),
      label: path.basename(file),
    },
    async (session) => {
      const raw = fs.createReadStream(file);
      const parser = createConnLogParser();
      let batch: ConnRecord[] = [];
      let lastProgress = 0;
      try {
        for await (const chunk of readLogLines(raw)) {
          for (const line of chunk) {
            const result = parser.push(line, ++lines);
            if (parser.refusal)
              throw new Error(`${file}: refused, line ${parser.refusal.line}: ${parser.refusal.message}.`);
            if (result === null) continue;
            if (isParseProblem(result)) {
              problems.count++;
              if (problems.first.length < 5) problems.first.push(result);
              continue;
            }
            batch.push(result);
            if (batch.length >= BATCH) {
              await session.add(batch);
              batch = [];
            }
          }
          if (tty && Date.now() - lastProgress > 250) {
            lastProgress = Date.now();
            const pct = size > 0 ? Math.min(100, Math.round((raw.bytesRead / size) * 100)) : 100;
            process.stderr.write(`\r${path.basename(file)} ${String(pct).padStart(3)}% ${lines} lines`);
          }
        }
      } catch (error) {
        // Thrown inside the ingest, so the file's transaction is rolled back: nothing of it is written.
        if (error instanceof LogLineError) throw new Error(`${file}: ${error.message}; nothing of it was written.`);
        throw error;
      }
      if (batch.length > 0) await session.add(batch);
      if (tty) process.stderr.write("\n");
    }
  );
  return { file, lines, problems, summary };
}

function printTable(report: FileReport): void {
  const s = report.summary;
  console.log(
    `${report.file}: ${report.lines} lines, ${s.records} connections, ${s.counted} counted, ${
      s.duplicates
    } already counted${s.dryRun ? " (dry run: nothing written)" : ""}`
  );
  if (report.problems.count > 0) {
    console.log(
      `  ${report.problems.count} malformed lines, first: ${report.problems.first
        .map((p) => `line ${p.line}: ${p.message}`)
        .join("; ")}`
    );
  }
  console.log(`  ${"conduit".padEnd(30)} ${"day".padEnd(10)} coverage tuples  new conns      bytes`);
  for (const d of s.days) {
    console.log(
      `  ${d.conduit.padEnd(30).slice(0, 30)} ${d.day} ${d.coverage.toFixed(2).padStart(8)} ${String(d.tuples).padStart(
        6
      )} ${String(d.newTuples).padStart(4)} ${String(d.connections).padStart(5)} ${String(d.bytes).padStart(10)}`
    );
  }
  for (const w of s.wrongFlows) console.log(`  WRONG ${w.conduit}: ${w.tuple} ×${w.count}`);
  if (s.stagedHosts.length > 0)
    console.log(`  staged hosts: ${s.stagedHosts.map((h) => `${h.ip} (${h.zone})`).join(", ")}`);
  console.log(`  unmatched flows: ${s.unmatched}; before the epoch: ${s.skippedBeforeEpoch}`);
  if (s.anomaly) {
    const a = s.anomaly;
    console.log(
      `  SCAN OR SPOOFING SUSPECTED: ${a.newHosts} new hosts (${a.stagedHosts} staged), ${a.newWrongFlows} new wrong flows (${a.recordedWrongFlows} recorded); one file creates at most ${a.cap} of each`
    );
  }
}

// A reader that stops early (`| head`) is not an error of the ingest: the transaction has committed by then.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  const db = getDb();
  await migrateToLatest(db);
  const reports: FileReport[] = [];
  for (const file of positionals) {
    try {
      reports.push(await ingestFile(file));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      fail(error instanceof ActError ? `${file}: ${message}` : message);
    }
  }
  if (values.json) console.log(JSON.stringify({ plant: values.plant.toUpperCase(), files: reports }, null, 2));
  else reports.forEach(printTable);
  await closeDb();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
