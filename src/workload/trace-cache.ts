/**
 * The rows of a looped trace kept in memory after the first pass, so later passes do not read
 * the file again (a one-hour trace looped over a year would otherwise be read 8,760 times).
 * Only a trace of at most `limit` rows is kept; a larger one is streamed from the file again on
 * every pass, so memory stays bounded.
 */
import type { TraceRow } from "./trace-rows.js";

export const LOOP_CACHE_ROWS = 1 << 20;

export class TraceRowCache {
  private ticks: Float64Array = new Float64Array(1024);
  private prompts: Float64Array = new Float64Array(1024);
  private outputs: Float64Array = new Float64Array(1024);
  private prefixIds: Array<number[] | null> = [];
  private size = 0;
  private overflowed = false;
  private cursor = 0;

  constructor(private readonly limit: number = LOOP_CACHE_ROWS) {}

  /** Keeps a row of the first pass (until the limit is passed, then nothing at all). */
  add(row: TraceRow): void {
    if (this.overflowed) return;
    if (this.size === this.limit) {
      this.overflowed = true;
      this.ticks = this.prompts = this.outputs = new Float64Array(0);
      this.prefixIds = [];
      return;
    }
    if (this.size === this.ticks.length) {
      const n = Math.min(this.limit, this.size * 2);
      this.ticks = grow(this.ticks, n);
      this.prompts = grow(this.prompts, n);
      this.outputs = grow(this.outputs, n);
    }
    this.ticks[this.size] = row.ticks;
    this.prompts[this.size] = row.promptTokens;
    this.outputs[this.size] = row.outputTokens;
    this.prefixIds.push(row.prefixIds ?? null);
    this.size++;
  }

  /** True when the whole first pass is held. */
  get complete(): boolean {
    return !this.overflowed;
  }

  rewind(): void {
    this.cursor = 0;
  }

  /** Fills `row` with the next cached row; false at the end of the pass. */
  next(row: TraceRow): boolean {
    if (this.cursor >= this.size) return false;
    const i = this.cursor++;
    row.ticks = this.ticks[i];
    row.promptTokens = this.prompts[i];
    row.outputTokens = this.outputs[i];
    row.prefixIds = this.prefixIds[i];
    return true;
  }
}

function grow(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
