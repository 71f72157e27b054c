/** Test support: output files parsed as a spreadsheet would read them, money read exactly. */
import { parse } from "csv-parse/sync";

export type Row = Record<string, string>;

export function parseCsv(text: string): Row[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Row[];
}

/** A money cell ("-12.345678") as whole micro-dollars, read from its digits (no float arithmetic). */
export function micro(cell: string): number {
  const m = /^(-?)(\d+)\.(\d{6})$/.exec(cell);
  if (!m) throw new Error(`not a money cell with six decimals: ${JSON.stringify(cell)}`);
  const v = Number(m[2]) * 1e6 + Number(m[3]);
  return m[1] === "-" ? -v : v;
}

export function sumColumn(rows: Row[], column: string): number {
  return rows.reduce((a, r) => a + micro(r[column]), 0);
}

/** Sums a money column per value of a key column. */
export function sumBy(rows: Row[], key: string, column: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r[key], (out.get(r[key]) ?? 0) + micro(r[column]));
  return out;
}

export const FIXTURE = "test/fixtures/billing/conservation.yaml";
