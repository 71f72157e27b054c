/**
 * CSV for spreadsheets (RFC 4180 via csv-stringify): numbers written plain (no exponent, no
 * thousands separator), money from whole micro-dollars with six decimals exactly, empty cells for
 * undefined values, and text cells that a spreadsheet would run as a formula prefixed with '.
 */
import { stringify } from "csv-stringify/sync";

export type Cell =
  | { t: "text"; v: string }
  | { t: "int"; v: number }
  | { t: "money"; v: number }
  | { t: "num"; v: number | null; digits: number }
  | { t: "time"; ms: number };

export const text = (v: string): Cell => ({ t: "text", v });
export const int = (v: number): Cell => ({ t: "int", v });
export const money = (micro: number): Cell => ({ t: "money", v: micro });
/** A fraction or measurement, `digits` decimals (at least 4 for fractions), empty when null. */
export const num = (v: number | null, digits = 6): Cell => ({ t: "num", v, digits });
export const time = (ms: number): Cell => ({ t: "time", ms });

export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** Whole micro-dollars as a decimal string with six places, exactly. */
export function formatMicro(micro: number): string {
  if (!Number.isSafeInteger(micro)) throw new Error(`money value is not whole micro-dollars: ${micro}`);
  const neg = micro < 0;
  const abs = String(Math.abs(micro)).padStart(7, "0");
  return `${neg ? "-" : ""}${abs.slice(0, -6)}.${abs.slice(-6)}`;
}

/** A finite number without exponent; toFixed switches to exponent form only at 1e21. */
export function formatNumber(v: number, digits: number): string {
  if (!Number.isFinite(v)) return "";
  let s = v.toFixed(digits);
  if (s.includes("e")) throw new Error(`number too large for plain notation: ${v}`);
  if (/^-0\.?0*$/.test(s)) s = s.slice(1);
  return s;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function formatCell(c: Cell): string {
  switch (c.t) {
    case "text":
      return FORMULA_START.test(c.v) ? `'${c.v}` : c.v;
    case "int":
      return formatNumber(c.v, 0);
    case "money":
      return formatMicro(c.v);
    case "num":
      return c.v === null ? "" : formatNumber(c.v, c.digits);
    case "time":
      return isoTime(c.ms);
  }
}

export function toCsv(table: Table, bom = false): string {
  const body = stringify([table.columns, ...table.rows.map((r) => r.map(formatCell))], {
    record_delimiter: "\r\n",
  });
  return (bom ? "\uFEFF" : "") + body;
}
