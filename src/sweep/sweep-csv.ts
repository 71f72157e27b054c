/**
 * The sweep's tables. summary.csv: one row per run, `run`, `variant` and one column per --vary
 * path, then exactly the columns `fleetsim run` writes. sweep.csv: per variant, the vary values,
 * n and each headline figure's mean and 95 % Student-t interval over the seeds.
 *
 * Both are built from summary rows as text (the cells as summary.csv holds them), so a merge of
 * shard files, which only has that text, writes the same bytes as the sweep that ran every run.
 */
import { meanInterval } from "../compare/confidence.js";
import { FIGURES } from "../compare/figures.js";
import {
  type CsvOptions,
  csvRows,
  decimal,
  formatCell,
  freeText,
  int,
  num,
  PLAIN_NUMBER,
} from "../output/csv.js";
import { SUMMARY_COLUMNS } from "../output/tables.js";
import { runOf } from "./grid.js";
import type { VaryAxis } from "./vary.js";

/** Decimals of the means and bounds: money to the micro-dollar, fractions to 1e-6 (as compare.csv). */
const DIGITS = 6;
const LEADING = ["run", "variant"];

export interface TextTable {
  columns: string[];
  rows: string[][];
}

/** Columns of text in the sweep's tables; every other cell that holds a plain number is one. */
export const TEXT_COLUMNS: ReadonlySet<string> = new Set(["scenario"]);

/**
 * Formatted cells to CSV, as toCsv writes them (RFC 4180, CRLF). In the semicolon-comma dialect
 * the plain numbers outside TEXT_COLUMNS take a decimal comma (a --vary value that is a number too).
 */
export function csvText(t: TextTable, opts: CsvOptions = {}): string {
  const d = opts.dialect ?? "rfc4180";
  if (d === "rfc4180") return csvRows([t.columns, ...t.rows], opts);
  const isText = t.columns.map((c) => TEXT_COLUMNS.has(c));
  const cell = (v: string, i: number) => (!isText[i] && PLAIN_NUMBER.test(v) ? decimal(v, d) : v);
  return csvRows([t.columns, ...t.rows.map((r) => r.map(cell))], opts);
}

export function summaryColumns(axes: readonly VaryAxis[]): string[] {
  return [...LEADING, ...axes.map((a) => a.path), ...SUMMARY_COLUMNS];
}

/** The cells before `fleetsim run`'s row in summary.csv: run index, variant, vary values. */
export function leadingCells(axes: readonly VaryAxis[], seeds: number, run: number): string[] {
  const r = runOf(axes, seeds, run);
  return [
    formatCell(int(r.run)),
    formatCell(int(r.variant)),
    ...r.values.map((v) => formatCell(freeText(v))),
  ];
}

/** summary.csv's row of a run: its leading cells, then `fleetsim run`'s row. */
export function sweepSummaryRow(
  axes: readonly VaryAxis[],
  seeds: number,
  run: number,
  row: string[],
): string[] {
  return [...leadingCells(axes, seeds, run), ...row];
}

export function sweepColumns(axes: readonly VaryAxis[]): string[] {
  return [
    "variant",
    ...axes.map((a) => a.path),
    "n",
    ...FIGURES.flatMap((f) => [`${f.id}_mean`, `${f.id}_ci95_low`, `${f.id}_ci95_high`]),
  ];
}

/** sweep.csv from summary.csv's rows (in run order), one row per variant that has runs. */
export function sweepTable(axes: readonly VaryAxis[], summary: TextTable): TextTable {
  const col = (name: string) => summary.columns.indexOf(name);
  const variantCol = col("variant");
  const valueCols = axes.map((_, k) => LEADING.length + k);
  const figureCols = FIGURES.map((f) => col(f.id));
  const byVariant = new Map<string, string[][]>();
  for (const row of summary.rows) {
    const v = row[variantCol];
    const list = byVariant.get(v);
    if (list) list.push(row);
    else byVariant.set(v, [row]);
  }
  const rows: string[][] = [];
  for (const [variant, runs] of byVariant) {
    const cells = [variant, ...valueCols.map((c) => runs[0][c]), formatCell(int(runs.length))];
    for (const c of figureCols) {
      // An empty cell is a figure not defined in that run (margin % without revenue): left out.
      const values = runs
        .map((r) => r[c])
        .filter((s) => s !== "")
        .map(Number);
      const iv = meanInterval(values);
      cells.push(
        formatCell(num(iv?.mean ?? null, DIGITS)),
        formatCell(num(iv?.low ?? null, DIGITS)),
        formatCell(num(iv?.high ?? null, DIGITS)),
      );
    }
    rows.push(cells);
  }
  return { columns: sweepColumns(axes), rows };
}
