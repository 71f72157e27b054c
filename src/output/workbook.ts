/**
 * results.xlsx (`--xlsx`): one workbook with a sheet per CSV table, written with exceljs. Numbers
 * are number cells holding exactly the value the CSV writes; times are date cells (UTC: a date
 * cell has no time zone, and its serial is computed from the UTC instant); the header row is
 * frozen and filterable; columns are as wide as their contents. The bytes depend only on the
 * tables: exceljs stamps the current time into the document properties and the zip entries, so
 * both are set to one fixed instant.
 */
import { InputError } from "../errors.js";
import { type Cell, formatCell, type NamedTable, PLAIN_NUMBER } from "./csv.js";

export const WORKBOOK_FILE = "results.xlsx";

/** A cell of a sheet: text, a number, an instant, or empty. */
export type SheetValue = string | number | Date | null;

export interface Sheet {
  name: string;
  columns: string[];
  rows: SheetValue[][];
}

/** Rows a worksheet holds below its header (Excel's limit, 2^20 rows in all). */
export const MAX_SHEET_ROWS = 1_048_575;
/** The instant stamped on the document and on each part of the zip (its DOS dates start in 1980). */
const FIXED_TIME = new Date(Date.UTC(1980, 0, 1));
const MONEY_COLUMN = /_usd(_|$)/;
const MONEY_FORMAT = "#,##0.00####";
const TIME_FORMAT = "yyyy-mm-dd hh:mm:ss";
const MIN_WIDTH = 8;
const MAX_WIDTH = 48;
/** Rows looked at to size a column (the widths of a long table settle early). */
const WIDTH_SAMPLE = 2000;

/** The value a typed cell has in a sheet: the number its CSV text spells, a Date for a time. */
export function sheetValue(c: Cell): SheetValue {
  switch (c.t) {
    case "text":
    case "free":
      return c.v === "" ? null : c.v;
    case "time":
      return new Date(c.ms);
    default: {
      const s = formatCell(c);
      return s === "" ? null : Number(s);
    }
  }
}

export function sheetOf(t: NamedTable): Sheet {
  return { name: t.name, columns: t.table.columns, rows: t.table.rows.map((r) => r.map(sheetValue)) };
}

/**
 * A sheet from a table already formatted as CSV text (a sweep's, which a merge rebuilds from the
 * shards' files): a plain number becomes a number cell, except in `textColumns`.
 */
export function sheetOfText(
  name: string,
  t: { columns: string[]; rows: string[][] },
  textColumns: ReadonlySet<string>,
): Sheet {
  const isText = t.columns.map((c) => textColumns.has(c));
  const value = (s: string, col: number): SheetValue => {
    if (s === "") return null;
    return !isText[col] && PLAIN_NUMBER.test(s) ? Number(s) : s;
  };
  return { name, columns: t.columns, rows: t.rows.map((r) => r.map(value)) };
}

function displayWidth(v: SheetValue): number {
  if (v === null) return 0;
  if (v instanceof Date) return TIME_FORMAT.length;
  return String(v).length;
}

/** The workbook's bytes (xlsx). exceljs and jszip load only when a workbook is asked for. */
export async function workbookBytes(sheets: readonly Sheet[]): Promise<Uint8Array> {
  for (const s of sheets) {
    if (s.rows.length > MAX_SHEET_ROWS) {
      throw new InputError({
        file: "--xlsx",
        message: `${s.name} has ${s.rows.length} rows, more than a worksheet holds (${MAX_SHEET_ROWS}): read ${s.name}.csv instead, or lengthen report_interval`,
      });
    }
  }
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = "fleetsim";
  wb.created = FIXED_TIME;
  wb.modified = FIXED_TIME;
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: "frozen", ySplit: 1 }] });
    ws.columns = s.columns.map((header, i) => {
      let width = header.length;
      for (const r of s.rows.slice(0, WIDTH_SAMPLE)) width = Math.max(width, displayWidth(r[i]));
      const money = MONEY_COLUMN.test(header);
      return {
        header,
        width: Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width + 2)),
        style: money ? { numFmt: MONEY_FORMAT } : {},
      };
    });
    ws.getRow(1).font = { bold: true };
    ws.addRows(s.rows);
    s.columns.forEach((_, i) => {
      if (s.rows.some((r) => r[i] instanceof Date)) ws.getColumn(i + 1).numFmt = TIME_FORMAT;
    });
    if (s.columns.length > 0) {
      ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: s.columns.length } };
    }
  }
  return fixZipTimes(new Uint8Array(await wb.xlsx.writeBuffer()));
}

/** The same zip with every entry dated FIXED_TIME (exceljs dates them now). */
async function fixZipTimes(bytes: Uint8Array): Promise<Uint8Array> {
  const { default: JSZip } = await import("jszip");
  const zip = await JSZip.loadAsync(bytes);
  for (const f of Object.values(zip.files)) f.date = FIXED_TIME;
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

/** The workbook of a set of typed tables, one sheet each, in order. */
export async function tablesWorkbook(tables: readonly NamedTable[]): Promise<Uint8Array> {
  return workbookBytes(tables.map(sheetOf));
}
