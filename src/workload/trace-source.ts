/**
 * Replays a trace file, streamed: rows are read into a bounded ring buffer (`capacity` rows)
 * by `refill()`, which the caller awaits whenever `needsRefill` is true, so a trace larger than
 * memory replays. Rows keep their order; row i of pass p arrives at
 * offset + time_scale * (p * period + t_i - t_0) (see trace-period.ts); rows before 0 are
 * skipped and the replay ends at the first row at or after the horizon.
 *
 * Multipliers: a row arriving under a factor f is replayed floor(f) times, plus once more with
 * probability f - floor(f) (one draw per row from the workload's thinning stream). So f < 1 keeps
 * each row with probability f, and f > 1 adds copies at the same arrival time.
 */
import type { RandomStream } from "../engine/random.js";
import { InputError } from "../errors.js";
import type { TraceOptions } from "../scenario/types.js";
import type { MultiplierSchedule } from "./multiplier-schedule.js";
import { newPrefixUnitKey } from "./prefix-source.js";
import type { RequestDraw, RequestSource, SharedPrefix } from "./source.js";
import { LOOP_CACHE_ROWS, TraceRowCache } from "./trace-cache.js";
import { checkTimeScale, loopPeriod, replayedTokens } from "./trace-period.js";
import { type TraceRow, TraceRowReader, ticksPerSecond } from "./trace-rows.js";

export const DEFAULT_TRACE_BUFFER_ROWS = 4096;

export class TraceSource implements RequestSource {
  private readonly times: Float64Array;
  private readonly prompts: Float64Array;
  private readonly outputs: Float64Array;
  private readonly copies: Float64Array;
  /** Each buffered row's shared prefix (prefix column), or null. */
  private readonly prefixes: Array<SharedPrefix | null>;
  /** The run-wide key of each hash id of this trace (src/workload/prefix-source.ts). */
  private readonly unitKeyOf = new Map<number, number>();
  private head = 0;
  private count = 0;
  private readonly lowMark: number;
  private exhausted = false;
  private reader: TraceRowReader | null = null;
  /** First-pass rows of a looped trace, replayed from memory when the trace is small enough. */
  private readonly cache: TraceRowCache | null;
  private fromCache = false;
  private readonly row: TraceRow = { line: 0, ticks: 0, promptTokens: 0, outputTokens: 0 };
  private readonly ticksPerSecond: number;
  private pass = 0;
  private passRows = 0;
  private firstTicks = 0;
  private lastTicks = 0;
  private period = 0;
  private step = 0;
  private stepEnd: number;

  constructor(
    private readonly opts: TraceOptions,
    private readonly horizon: number,
    private readonly schedule: MultiplierSchedule,
    private readonly thinning: RandomStream,
    readonly capacity: number = DEFAULT_TRACE_BUFFER_ROWS,
    loopCacheRows: number = LOOP_CACHE_ROWS,
  ) {
    if (!(capacity >= 1)) throw new Error(`trace buffer capacity must be >= 1, got ${capacity}`);
    checkTimeScale(opts.file, opts.timeScale);
    this.times = new Float64Array(capacity);
    this.prompts = new Float64Array(capacity);
    this.outputs = new Float64Array(capacity);
    this.copies = new Float64Array(capacity);
    this.prefixes = new Array<SharedPrefix | null>(capacity).fill(null);
    this.lowMark = Math.floor(capacity / 4);
    this.ticksPerSecond = ticksPerSecond(opts.timestampUnit);
    this.stepEnd = schedule.endOfStep(0);
    this.cache = opts.loop ? new TraceRowCache(loopCacheRows) : null;
  }

  /** Rows held in the buffer now (each with one or more copies to replay). */
  get buffered(): number {
    return this.count;
  }

  get needsRefill(): boolean {
    return !this.exhausted && this.count <= this.lowMark;
  }

  next(out: RequestDraw): boolean {
    if (this.count === 0) {
      if (this.exhausted) return false;
      throw new Error(
        "TraceSource.next() called with an empty buffer: await refill() when needsRefill is true",
      );
    }
    const i = this.head;
    out.time = this.times[i];
    out.promptTokens = this.prompts[i];
    out.outputTokens = this.outputs[i];
    out.prefix = this.prefixes[i];
    if (--this.copies[i] === 0) {
      this.prefixes[i] = null;
      this.head = i + 1 === this.capacity ? 0 : i + 1;
      this.count--;
    }
    return true;
  }

  async refill(): Promise<void> {
    const row = this.row;
    while (!this.exhausted && this.count < this.capacity) {
      if (!(await this.nextRow(row))) {
        await this.endPass();
        continue;
      }
      if (this.passRows === 0 && this.pass === 0) this.firstTicks = row.ticks;
      if (this.pass === 0) this.lastTicks = row.ticks;
      this.passRows++;
      const rel = (row.ticks - this.firstTicks) / this.ticksPerSecond;
      const t = this.opts.offset + this.opts.timeScale * (this.pass * this.period + rel);
      if (t >= this.horizon) {
        this.finish();
        return;
      }
      if (t < 0) continue;
      const copies = this.copyCount(t);
      if (copies > 0) this.push(t, row, copies);
    }
  }

  private async nextRow(row: TraceRow): Promise<boolean> {
    if (this.fromCache) return this.cache!.next(row);
    if (!this.reader) this.reader = await TraceRowReader.open(this.opts);
    const ok = await this.reader.next(row);
    if (ok && this.pass === 0) this.cache?.add(row);
    return ok;
  }

  private async endPass(): Promise<void> {
    if (this.passRows === 0) throw new InputError({ file: this.opts.file, message: "the trace has no rows" });
    if (!this.opts.loop) {
      this.finish();
      return;
    }
    if (this.pass === 0) {
      const span = (this.lastTicks - this.firstTicks) / this.ticksPerSecond;
      this.period = loopPeriod(this.opts.file, this.passRows, span);
    }
    this.reader?.close();
    this.reader = null;
    if (this.cache?.complete) {
      this.fromCache = true;
      this.cache.rewind();
    }
    this.pass++;
    this.passRows = 0;
  }

  /** How many times the row arriving at t is replayed (draws once from the thinning stream). */
  private copyCount(t: number): number {
    while (this.stepEnd <= t) this.stepEnd = this.schedule.endOfStep(++this.step);
    if (this.schedule.zeroFromStep(this.step)) {
      this.finish();
      return 0;
    }
    const f = this.schedule.factorOfStep(this.step);
    const whole = Math.floor(f);
    return whole + (this.thinning.next() < f - whole ? 1 : 0);
  }

  private push(t: number, row: TraceRow, copies: number): void {
    let i = this.head + this.count;
    if (i >= this.capacity) i -= this.capacity;
    this.times[i] = t;
    this.prompts[i] = replayedTokens(row.promptTokens);
    this.outputs[i] = replayedTokens(row.outputTokens);
    this.prefixes[i] = this.prefixOf(row.prefixIds ?? null, this.prompts[i]);
    this.copies[i] = copies;
    this.count++;
  }

  /** A row's hash ids as a shared prefix: each id one block of prefix_block_tokens tokens. */
  private prefixOf(ids: number[] | null, prompt: number): SharedPrefix | null {
    if (ids === null || ids.length === 0) return null;
    const keys = new Float64Array(ids.length);
    for (let k = 0; k < ids.length; k++) {
      let key = this.unitKeyOf.get(ids[k]!);
      if (key === undefined) {
        key = newPrefixUnitKey();
        this.unitKeyOf.set(ids[k]!, key);
      }
      keys[k] = key;
    }
    const unit = this.opts.prefixBlockTokens;
    return { unitKeys: keys, unitTokens: unit, tokens: Math.min(ids.length * unit, prompt) };
  }

  private finish(): void {
    this.exhausted = true;
    this.reader?.close();
    this.reader = null;
  }

  async close(): Promise<void> {
    this.finish();
  }
}
