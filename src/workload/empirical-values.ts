/**
 * The values of one CSV column, for `dist: empirical`. Loaded once per (file, column) and
 * kept: a token-length sample is small (it is read whole, synchronously).
 */
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { InputError, showValue } from "../errors.js";

const cache = new Map<string, Float64Array>();

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

export function loadEmpiricalValues(file: string, column: string): Float64Array {
  const key = `${file}\u0000${column}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError({ file, message: `cannot read the empirical sample: ${(e as Error).message}` });
  }
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
    }) as unknown as ParsedRecord[];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new InputError({ file, line, message: `not a valid CSV file: ${(e as Error).message}` });
  }
  if (records.length === 0) throw new InputError({ file, message: "is empty; expected a header line" });
  const header = records[0].record;
  const index = header.indexOf(column);
  if (index < 0) {
    throw new InputError({
      file,
      line: records[0].info.lines,
      path: column,
      message: `no such column; the header has ${header.map((h) => JSON.stringify(h)).join(", ")}`,
    });
  }
  const values = new Float64Array(records.length - 1);
  for (let i = 1; i < records.length; i++) {
    const raw = records[i].record[index];
    const v = raw === undefined || raw === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(v) || v < 0) {
      throw new InputError({
        file,
        line: records[i].info.lines,
        path: column,
        message: `must be a number of tokens >= 0, got ${showValue(raw)}`,
      });
    }
    values[i - 1] = v;
  }
  if (values.length === 0)
    throw new InputError({ file, path: column, message: "has no values below the header" });
  cache.set(key, values);
  return values;
}
