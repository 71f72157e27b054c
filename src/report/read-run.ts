/**
 * Reads the CSV files of one run folder (see docs/outputs.md) as rows of text cells. A missing
 * folder or file is the user's mistake: an InputError naming it.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { InputError } from "../errors.js";

export type Row = Record<string, string>;

export interface RunTables {
  dir: string;
  summary: Row;
  timeseries: Row[];
  revenueByModel: Row[];
  tenants: Row[];
  margin: Row[];
}

export const RUN_FILES = [
  "summary.csv",
  "timeseries.csv",
  "revenue_by_model.csv",
  "tenants.csv",
  "margin.csv",
] as const;

/** The run's length in ms (summary.csv horizon_s), when the summary gives it. */
export function horizonMs(t: RunTables): number | undefined {
  const h = Number(t.summary.horizon_s);
  return Number.isFinite(h) && h > 0 ? h * 1000 : undefined;
}

/** Undoes the leading `'` the writer puts before a cell that a spreadsheet would run as a formula. */
function unguard(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

export async function readTable(dir: string, name: string): Promise<Row[]> {
  const file = join(dir, name);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError({ file, message: "missing: not a run output folder (run `fleetsim run` first)" });
  }
  try {
    const rows: Row[] = parse(text, { columns: true, bom: true, skip_empty_lines: true });
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, unguard(v)])));
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new InputError({ file, line, message: `not valid CSV: ${(e as Error).message}` });
  }
}

export async function readRun(dir: string): Promise<RunTables> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new InputError({ file: dir, message: "no such folder" });
  // Every file is read before any problem is reported, so the message lists each missing or bad
  // file in a fixed order (not whichever read happened to fail first).
  const settled = await Promise.allSettled(RUN_FILES.map((f) => readTable(dir, f)));
  const problems = settled.flatMap((r) =>
    r.status === "rejected" && r.reason instanceof InputError ? r.reason.problems : [],
  );
  if (problems.length > 0) throw new InputError(problems);
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  const [summary, timeseries, revenueByModel, tenants, margin] = settled.map((r) =>
    r.status === "fulfilled" ? r.value : [],
  );
  if (summary!.length !== 1) {
    throw new InputError({
      file: join(dir, "summary.csv"),
      message: `must have one row, got ${summary!.length}`,
    });
  }
  return {
    dir,
    summary: summary![0]!,
    timeseries: timeseries!,
    revenueByModel: revenueByModel!,
    tenants: tenants!,
    margin: margin!,
  };
}
