/** Writes a finished run's output files (summary, timeseries, revenue_by_model, tenants, margin, JSON). */

import { relative } from "node:path";
import type { Financials } from "../billing/financials.js";
import type { Summary } from "../billing/summary.js";
import type { RunResult } from "../contract/run-result.js";
import { writeDirAtomically } from "./atomic-dir.js";
import { buildInfo } from "./build.js";
import { capacityTable } from "./capacity-table.js";
import { formatCell, toCsv } from "./csv.js";
import { modelsTable } from "./models-table.js";
import {
  marginTable,
  revenueByModelTable,
  SUMMARY_COLUMNS,
  summaryRow,
  summaryTable,
  tenantsTable,
  timeseriesTable,
} from "./tables.js";
import { programVersion } from "./version.js";

export interface WriteOptions {
  excel?: boolean;
}

/** summary.json: the summary.csv figures under the same names, plus provenance and wall time. */
export function summaryJson(summary: Summary, run: RunResult): Record<string, unknown> {
  const row = summaryRow(summary).map(formatCell);
  const figures: Record<string, unknown> = {};
  SUMMARY_COLUMNS.forEach((c, i) => {
    const v = row[i];
    figures[c] = c === "scenario" ? v : v === "" ? null : Number(v);
  });
  // Per requested model, the models.csv row under its column names.
  const models = modelsTable(run);
  const byModel: Record<string, Record<string, unknown>> = {};
  for (const r of models.rows) {
    const cells = r.map(formatCell);
    byModel[cells[0]] = Object.fromEntries(
      models.columns
        .slice(1)
        .map((c, i) => [c, c === "owner" ? cells[i + 1] : cells[i + 1] === "" ? null : Number(cells[i + 1])]),
    );
  }
  return {
    ...figures,
    models: byModel,
    events: summary.events,
    program_version: programVersion(),
    build: buildInfo().build,
    scenario_file: run.scenario.file ? relative(process.cwd(), run.scenario.file) : "",
    scenario_sha256: run.scenario.fileHash,
    start: new Date(run.scenario.startMs).toISOString().replace(/\.000Z$/, "Z"),
    // The only figures that differ between identical runs:
    wall_seconds: summary.wallSeconds,
    events_per_second: summary.events / Math.max(summary.wallSeconds, 1e-9),
  };
}

/** The files of a run, by name. */
export function resultFiles(
  run: RunResult,
  fin: Financials,
  summary: Summary,
  opts: WriteOptions = {},
): Map<string, string> {
  const bom = opts.excel === true;
  const files = new Map<string, string>();
  files.set("summary.csv", toCsv(summaryTable(summary), bom));
  files.set("timeseries.csv", toCsv(timeseriesTable(run, fin), bom));
  files.set("revenue_by_model.csv", toCsv(revenueByModelTable(run, fin), bom));
  files.set("tenants.csv", toCsv(tenantsTable(run, fin), bom));
  files.set("margin.csv", toCsv(marginTable(run, fin), bom));
  files.set("capacity.csv", toCsv(capacityTable(run, fin.use, fin.mixes), bom));
  files.set("models.csv", toCsv(modelsTable(run), bom));
  files.set("summary.json", `${JSON.stringify(summaryJson(summary, run), null, 2)}\n`);
  return files;
}

/** The names resultFiles writes, known before the run (a staged folder's manifest lists them). */
export const RESULT_FILES = [
  "summary.csv",
  "timeseries.csv",
  "revenue_by_model.csv",
  "tenants.csv",
  "margin.csv",
  "capacity.csv",
  "models.csv",
  "summary.json",
] as const;

export async function writeResults(
  dir: string,
  run: RunResult,
  fin: Financials,
  summary: Summary,
  opts: WriteOptions,
  command: readonly string[],
): Promise<void> {
  await writeDirAtomically(dir, resultFiles(run, fin, summary, opts), { kind: "run", command });
}
