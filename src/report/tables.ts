/** HTML tables; every cell is escaped here. */
import { esc } from "./escape.js";

export interface Column<T> {
  head: string;
  cell: (row: T) => string;
  /** Right-aligned numbers. */
  numeric?: boolean;
}

export function table<T>(rows: T[], columns: Column<T>[]): string {
  const cls = (c: Column<T>) => (c.numeric ? ' class="num"' : "");
  const head = columns.map((c) => `<th${cls(c)}>${esc(c.head)}</th>`).join("");
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td${cls(c)}>${esc(c.cell(r))}</td>`).join("")}</tr>`)
    .join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
