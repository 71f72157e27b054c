/** Writes a finished run's output files (summary, timeseries, revenue_by_model, tenants, margin, JSON). */

import { relative } from "node:path";
import type { Financials } from "../billing/financials.js";
import type { Summary } from "../billing/summary.js";
import type { RunResult } from "../contract/run-result.js";
import { buildInfo } from "./build.js";
import { capacityTable } from "./capacity-table.js";
import { type CsvDialect, formatCell, type NamedTable, toCsv } from "./csv.js";
import { modelsTable } from "./models-table.js";
import { scalingTable } from "./scaling-table.js";
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
  /** A UTF-8 byte-order mark before each CSV (`--excel`). */
  excel?: boolean;
  /** `semicolon-comma`: `;` between fields, `,` as the decimal mark (`--csv-dialect`). */
  dialect?: CsvDialect;
}

/** summary.json: the summary.csv figures under the same names, plus provenance and wall time. */
export function summaryJson(summary: Summary, run: RunResult): Record<string, unknown> {
  const row = summaryRow(summary).map((c) => formatCell(c));
  const figures: Record<string, unknown> = {};
  SUMMARY_COLUMNS.forEach((c, i) => {
    const v = row[i];
    figures[c] = c === "scenario" ? v : v === "" ? null : Number(v);
  });
  // Per requested model, the models.csv row under its column names.
  const models = modelsTable(run);
  const byModel: Record<string, Record<string, unknown>> = {};
  for (const r of models.rows) {
    const cells = r.map((c) => formatCell(c));
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

/** The run's tables, each written as `<name>.csv` and as a sheet `<name>` of the workbook. */
export function resultTables(run: RunResult, fin: Financials, summary: Summary): NamedTable[] {
  return [
    { name: "summary", table: summaryTable(summary) },
    { name: "timeseries", table: timeseriesTable(run, fin) },
    { name: "revenue_by_model", table: revenueByModelTable(run, fin) },
    { name: "tenants", table: tenantsTable(run, fin) },
    { name: "margin", table: marginTable(run, fin) },
    { name: "capacity", table: capacityTable(run, fin.use, fin.mixes) },
    { name: "models", table: modelsTable(run) },
    { name: "scaling", table: scalingTable(run) },
  ];
}

/** The files of a run, by name (the workbook aside: see workbook.ts). */
export function resultFiles(
  run: RunResult,
  fin: Financials,
  summary: Summary,
  opts: WriteOptions = {},
): Map<string, string> {
  return textFiles(resultTables(run, fin, summary), run, summary, opts);
}

function textFiles(
  tables: readonly NamedTable[],
  run: RunResult,
  summary: Summary,
  opts: WriteOptions,
): Map<string, string> {
  const csv = { bom: opts.excel === true, dialect: opts.dialect };
  const files = new Map<string, string>();
  for (const t of tables) files.set(`${t.name}.csv`, toCsv(t.table, csv));
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
  "scaling.csv",
  "summary.json",
] as const;
