/**
 * `fleetsim merge`: joins the outputs of a sharded sweep into the files the unsharded sweep writes.
 * Every folder must hold a sweep.json of the same sweep and a summary.csv with that shard's runs;
 * together they must hold every run exactly once. Anything else is an InputError naming the file.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { InputError, type InputProblem } from "../errors.js";
import { SUMMARY_COLUMNS } from "../output/tables.js";
import { runOf } from "./grid.js";
import { MANIFEST_FILE, manifestMismatches, parseManifest, type SweepManifest } from "./manifest.js";
import { sweepFiles } from "./run-sweep.js";
import { leadingCells, summaryColumns, type TextTable } from "./sweep-csv.js";

export interface MergeResult {
  manifest: SweepManifest;
  files: Map<string, string>;
  /** The joined summary.csv's table, as text. */
  summary: TextTable;
}

interface Shard {
  dir: string;
  manifest: SweepManifest;
}

/** A number as the CSV writer formats one: optional minus, digits, optional fraction and exponent. */
const NUMBER = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/;

/** How many missing runs an error lists before "and N more". */
const LIST_AT_MOST = 10;

export async function mergeShards(dirs: readonly string[]): Promise<MergeResult> {
  if (dirs.length === 0)
    throw new InputError({ file: "command line", message: "name at least one shard folder" });
  const shards: Shard[] = [];
  for (const dir of dirs) shards.push({ dir, manifest: await readManifest(dir) });
  const first = shards[0];
  const problems: InputProblem[] = [];
  for (const s of shards.slice(1)) {
    for (const m of manifestMismatches(first.manifest, s.manifest)) {
      problems.push({ file: join(s.dir, MANIFEST_FILE), message: `another sweep than ${first.dir}: ${m}` });
    }
  }
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    const other = byIndex.get(s.manifest.shard.index);
    if (other !== undefined) {
      const { index, count } = s.manifest.shard;
      problems.push({
        file: join(s.dir, MANIFEST_FILE),
        message: `shard ${index}/${count} is given twice (also ${other})`,
      });
    } else byIndex.set(s.manifest.shard.index, s.dir);
  }
  if (problems.length > 0) throw new InputError(problems);

  const m = first.manifest;
  const axes = m.vary;
  const columns = summaryColumns(axes);
  const seedCol = columns.indexOf("seed");
  // Every cell of `fleetsim run`'s row is a number (or empty: a figure the run has not) but its name.
  const numericCols = columns
    .map((_, i) => i)
    .filter((i) => i >= columns.length - SUMMARY_COLUMNS.length && columns[i] !== "scenario");
  const byRun = new Map<number, { row: string[]; file: string }>();
  for (const s of shards) {
    const file = join(s.dir, "summary.csv");
    for (const { row, line } of await readSummary(file, columns)) {
      const fail = (message: string) => problems.push({ file, line, message });
      const run = /^\d+$/.test(row[0]) ? Number(row[0]) : -1;
      if (run < 0 || run >= m.runs) {
        fail(`run must be a whole number from 0 to ${m.runs - 1}, got ${JSON.stringify(row[0])}`);
        continue;
      }
      if (run % s.manifest.shard.count !== s.manifest.shard.index) {
        fail(`run ${run} does not belong to shard ${s.manifest.shard.index}/${s.manifest.shard.count}`);
        continue;
      }
      const prev = byRun.get(run);
      if (prev) {
        fail(`run ${run} is also in ${prev.file}: a shard is given twice`);
        continue;
      }
      // The run's leading cells must be what this sweep's grid says, or the rows were edited.
      const lead = leadingCells(axes, m.seeds, run);
      if (lead.some((cell, i) => row[i] !== cell)) {
        fail(`run ${run}'s variant or vary values do not match the sweep in ${MANIFEST_FILE}`);
        continue;
      }
      const notNumber = numericCols.find((c) => row[c] !== "" && !NUMBER.test(row[c]));
      if (notNumber !== undefined) {
        fail(`run ${run}'s ${columns[notNumber]} is not a number, got ${JSON.stringify(row[notNumber])}`);
        continue;
      }
      const seed = String(runOf(axes, m.seeds, run).seed);
      if (row[seedCol] !== seed) {
        fail(`run ${run} should have seed ${seed}, has ${JSON.stringify(row[seedCol])}`);
        continue;
      }
      byRun.set(run, { row, file });
    }
  }
  if (problems.length > 0) throw new InputError(problems);

  const missing: number[] = [];
  for (let r = 0; r < m.runs; r++) if (!byRun.has(r)) missing.push(r);
  if (missing.length > 0) {
    const shown = missing.slice(0, LIST_AT_MOST).join(", ");
    const more = missing.length > LIST_AT_MOST ? ` and ${missing.length - LIST_AT_MOST} more` : "";
    const absent = [...new Set(missing.map((r) => r % m.shard.count))].sort((a, b) => a - b);
    throw new InputError({
      file: "command line",
      message: `${missing.length} of ${m.runs} runs are missing (${shown}${more}); the shards without them: ${absent.map((i) => `${i}/${m.shard.count}`).join(", ")}`,
    });
  }

  const summary: TextTable = {
    columns,
    rows: Array.from({ length: m.runs }, (_, r) => byRun.get(r)!.row),
  };
  // The merged folder describes the whole sweep, as an unsharded sweep's manifest does.
  const manifest: SweepManifest = { ...m, shard: { ...m.shard, index: 0, count: 1 } };
  return { manifest, summary, files: sweepFiles(manifest, summary) };
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file: is this the output folder of a fleetsim sweep?" : String(e);
    throw new InputError({ file, message: why });
  }
}

async function readManifest(dir: string): Promise<SweepManifest> {
  const file = join(dir, MANIFEST_FILE);
  const m = parseManifest(await readText(file));
  if (typeof m === "string") throw new InputError({ file, message: m });
  return m;
}

async function readSummary(file: string, columns: string[]): Promise<Array<{ row: string[]; line: number }>> {
  const content = await readText(file);
  // With `info`, csv-parse returns { record, info } per row (its typings only know plain rows).
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(content, {
      info: true,
      bom: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (e) {
    throw new InputError({ file, message: `not valid CSV: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (records.length === 0) throw new InputError({ file, message: "empty: expected a header row" });
  const header = records[0].record;
  if (header.join(",") !== columns.join(",")) {
    throw new InputError({
      file,
      line: 1,
      message: `the columns are not those of this sweep (expected ${columns.join(",")})`,
    });
  }
  return records.slice(1).map(({ record, info }) => {
    if (record.length !== columns.length) {
      throw new InputError({
        file,
        line: info.lines,
        message: `has ${record.length} cells, expected ${columns.length}`,
      });
    }
    return { row: record, line: info.lines };
  });
}
