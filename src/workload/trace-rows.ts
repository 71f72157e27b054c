/**
 * Validated rows of a trace, in file order: the timestamp as integer-exact "ticks" (microseconds
 * for datetime text, else the file's own unit) and whole token counts. Every problem is an
 * InputError at the row's file:line and column: a bad or decreasing timestamp, a token count that
 * is not a number, negative, or not whole.
 */
import { InputError, showValue } from "../errors.js";
import type { TraceOptions } from "../scenario/types.js";
import { openTraceRecords, type RawTraceRecords, type RawTraceRow } from "./trace-files.js";
import { parseDatetimeMicros } from "./trace-timestamp.js";

export interface TraceRow {
  line: number;
  ticks: number;
  promptTokens: number;
  outputTokens: number;
  /** Prefix-block hash ids (the trace's prefix column), or null when the row has none. */
  prefixIds?: number[] | null;
}

/** Ticks per second of a timestamp unit (divide by it: 3537000 / 1000 is exactly 3537). */
export function ticksPerSecond(unit: TraceOptions["timestampUnit"]): number {
  return unit === "datetime" ? 1e6 : unit === "ms" ? 1e3 : 1;
}

export class TraceRowReader {
  private readonly raw: RawTraceRow = { line: 0, timestamp: null, prompt: null, output: null };
  private previousTicks = Number.NEGATIVE_INFINITY;

  private constructor(
    private readonly opts: TraceOptions,
    private readonly records: RawTraceRecords,
  ) {}

  static async open(opts: TraceOptions): Promise<TraceRowReader> {
    return new TraceRowReader(opts, await openTraceRecords(opts));
  }

  /** Fills `row` with the next row; false at the end of the file. */
  async next(row: TraceRow): Promise<boolean> {
    if (!(await this.records.next(this.raw))) return false;
    const raw = this.raw;
    const ticks = this.parseTimestamp(raw.timestamp, raw.line);
    if (ticks < this.previousTicks) {
      this.fail(
        raw.line,
        this.opts.timestampColumn,
        `earlier than the row before (${showValue(raw.timestamp)})`,
      );
    }
    this.previousTicks = ticks;
    row.line = raw.line;
    row.ticks = ticks;
    row.promptTokens = this.parseTokens(raw.prompt, raw.line, this.opts.promptColumn);
    row.outputTokens = this.parseTokens(raw.output, raw.line, this.opts.outputColumn);
    row.prefixIds =
      raw.prefix === undefined || raw.prefix === null ? null : this.parseIds(raw.prefix, raw.line);
    return true;
  }

  close(): void {
    this.records.close();
  }

  private fail(line: number, column: string, message: string): never {
    this.records.close();
    throw new InputError({ file: this.opts.file, line, path: column, message });
  }

  private parseTimestamp(v: unknown, line: number): number {
    const column = this.opts.timestampColumn;
    if (this.opts.timestampUnit === "datetime") {
      const t = typeof v === "string" ? parseDatetimeMicros(v) : Number.NaN;
      if (Number.isNaN(t)) {
        this.fail(
          line,
          column,
          `must be a date and time like 2023-11-16 18:15:46.680590, got ${showValue(v)}`,
        );
      }
      return t;
    }
    const t = toNumber(v);
    if (!Number.isFinite(t)) {
      this.fail(line, column, `must be a number of ${this.opts.timestampUnit}, got ${showValue(v)}`);
    }
    return t;
  }

  private parseIds(v: unknown, line: number): number[] {
    const column = this.opts.prefixColumn ?? "";
    if (!Array.isArray(v))
      this.fail(line, column, `must be a list of hash ids (whole numbers), got ${showValue(v)}`);
    for (const id of v) {
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) {
        this.fail(line, column, `must hold whole numbers >= 0 (hash ids), got ${showValue(id)}`);
      }
    }
    return v as number[];
  }

  private parseTokens(v: unknown, line: number, column: string): number {
    const n = toNumber(v);
    if (!Number.isFinite(n)) this.fail(line, column, `must be a number of tokens, got ${showValue(v)}`);
    if (n < 0) this.fail(line, column, `must be >= 0, got ${n}`);
    if (!Number.isInteger(n)) this.fail(line, column, `must be a whole number of tokens, got ${n}`);
    return n;
  }
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return Number.NaN;
}
