/** The library's comparison entry points: two scenarios over the same seeds, and the files `fleetsim compare` writes. */
import { comparisonCsv, runsCsv } from "../compare/comparison-table.js";
import type { Comparison } from "../compare/run-comparison.js";
import type { FileContent } from "../output/atomic-dir.js";
import { type NamedTable, toCsv } from "../output/csv.js";
import { tablesWorkbook, WORKBOOK_FILE } from "../output/workbook.js";
import type { FileOptions } from "./run.js";

export type { CompareOptions, Comparison } from "../compare/run-comparison.js";
export { runComparison as compareScenarios } from "../compare/run-comparison.js";

/** compare.csv and runs.csv of a comparison, and results.xlsx with `xlsx`. */
export async function comparisonFiles(
  c: Comparison,
  opts: FileOptions & { xlsx?: boolean } = {},
): Promise<Map<string, FileContent>> {
  const tables: NamedTable[] = [
    { name: "compare", table: comparisonCsv(c) },
    { name: "runs", table: runsCsv(c) },
  ];
  const csv = { bom: opts.excel === true, dialect: opts.dialect };
  const files = new Map<string, FileContent>(tables.map((t) => [`${t.name}.csv`, toCsv(t.table, csv)]));
  if (opts.xlsx) files.set(WORKBOOK_FILE, await tablesWorkbook(tables));
  return files;
}
