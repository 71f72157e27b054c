/**
 * CSV for spreadsheets (RFC 4180 via csv-stringify): numbers written plain (no exponent, no
 * thousands separator), money from whole micro-dollars with six decimals exactly, empty cells for
 * undefined values. Ids and names are written as they are: validation lets none start a formula
 * (src/scenario/schema/fields.ts). Free text (a --vary value) that a spreadsheet would run as a
 * formula is prefixed with '. The `semicolon-comma` dialect writes `;` between fields and `,` as
 * the decimal mark, for spreadsheets in locales that read `.` as text (German, French, ...).
 */
import { stringify } from "csv-stringify/sync";

export type Cell =
  | { t: "text"; v: string }
  | { t: "free"; v: string }
  | { t: "int"; v: number }
  | { t: "money"; v: number }
  | { t: "num"; v: number | null; digits: number }
  | { t: "time"; ms: number };

/** An id, a name or a word of ours: written as it is. */
export const text = (v: string): Cell => ({ t: "text", v });
/** Text from the user that no validation shaped (a --vary value): guarded against formulas. */
export const freeText = (v: string): Cell => ({ t: "free", v });
export const int = (v: number): Cell => ({ t: "int", v });
export const money = (micro: number): Cell => ({ t: "money", v: micro });
/** A fraction or measurement, `digits` decimals (at least 4 for fractions), empty when null. */
export const num = (v: number | null, digits = 6): Cell => ({ t: "num", v, digits });
export const time = (ms: number): Cell => ({ t: "time", ms });

export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** A table with the name of its file (`<name>.csv`) and of its sheet in a workbook. */
export interface NamedTable {
  name: string;
  table: Table;
}

export const CSV_DIALECTS = ["rfc4180", "semicolon-comma"] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];

export interface CsvOptions {
  /** A UTF-8 byte-order mark first (`--excel`). */
  bom?: boolean;
  /** Default rfc4180: `,` between fields, `.` as the decimal mark. */
  dialect?: CsvDialect;
}

export const fieldSeparator = (d: CsvDialect = "rfc4180"): string => (d === "semicolon-comma" ? ";" : ",");

/** A number formatted plain, with the dialect's decimal mark. */
export const decimal = (s: string, d: CsvDialect = "rfc4180"): string =>
  d === "semicolon-comma" ? s.replace(".", ",") : s;

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
/** A number as formatNumber writes it: a spreadsheet reads it as that number, not a formula. */
export const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** Free text as a cell: a leading ' when a spreadsheet would run it as a formula. */
export function guardFreeText(v: string): string {
  return FORMULA_START.test(v) && !PLAIN_NUMBER.test(v) ? `'${v}` : v;
}

export function formatCell(c: Cell, dialect: CsvDialect = "rfc4180"): string {
  switch (c.t) {
    case "text":
      return c.v;
    case "free":
      return guardFreeText(c.v);
    case "int":
      return formatNumber(c.v, 0);
    case "money":
      return decimal(formatMicro(c.v), dialect);
    case "num":
      return c.v === null ? "" : decimal(formatNumber(c.v, c.digits), dialect);
    case "time":
      return isoTime(c.ms);
  }
}

/** Rows of formatted cells as CSV text: RFC 4180 quoting, CRLF line ends. */
export function csvRows(rows: string[][], opts: CsvOptions = {}): string {
  const body = stringify(rows, { record_delimiter: "\r\n", delimiter: fieldSeparator(opts.dialect) });
  return (opts.bom ? "\uFEFF" : "") + body;
}

export function toCsv(table: Table, opts: CsvOptions = {}): string {
  return csvRows([table.columns, ...table.rows.map((r) => r.map((c) => formatCell(c, opts.dialect)))], opts);
}
