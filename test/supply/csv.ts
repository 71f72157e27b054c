/** Test support: an output CSV as a spreadsheet reads it (header row, one object per line). */
import { parse } from "csv-parse/sync";

export type Row = Record<string, string>;

export function parseCsv(text: string): Row[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Row[];
}
