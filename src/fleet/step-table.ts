/**
 * Step times read from a measured table with a context axis (docs/service-model.md "Measured
 * step tables"): decode step time by batch size and by context length (a 2-D grid), prefill step
 * time by chunk size. Inside the grid: linear on each axis (bilinear on the decode grid). Beyond
 * the largest value of an axis: linear extrapolation along the last segment (a step's FLOPs and KV
 * reads grow linearly with batch, context and tokens), never with a negative slope. Below the
 * smallest: flat (clamped), since there the fixed costs of a step dominate and nothing measured
 * says how much less a smaller step takes.
 *
 * A mixed step (a prompt chunk of T tokens and n decodes with mean context c) takes
 *   prefill(T + n) + max(0, decode(n, c) - decode(n, c_min))
 * c_min the grid's smallest context. In the linear layers (GEMMs, the weights' read) a decode's
 * token is one more row like a prompt token, so the prefill table prices the step's T + n tokens
 * with its fixed costs (scheduling, sampling, one read of the weights) once; what a decode adds
 * beyond that is its attention over its cache, which is how the decode table grows with context.
 * Pure steps are the table's own figures.
 */
import type { StepTable } from "../scenario/types.js";
import { type StepBreakdown, type StepComposition, StepTimeModel } from "./step-time.js";

/** y at x on the polyline (xs strictly increasing, at least 2 points): flat below, extrapolated above. */
export function interpolate(xs: ArrayLike<number>, ys: ArrayLike<number>, x: number): number {
  const last = xs.length - 1;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[last]) return ys[last] + lastSlope(xs, ys) * (x - xs[last]);
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return ys[lo] + ((ys[hi] - ys[lo]) * (x - xs[lo])) / (xs[hi] - xs[lo]);
}

/** Slope of the last segment, at least 0 (a noisy last cell must not make a step take less as it grows). */
function lastSlope(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const last = xs.length - 1;
  return Math.max(0, (ys[last] - ys[last - 1]) / (xs[last] - xs[last - 1]));
}

/** Decode step milliseconds at (batch, context): bilinear inside the grid. */
export function decodeStepMs(table: StepTable, batch: number, context: number): number {
  const d = table.decode;
  const column = new Float64Array(d.context.length);
  const cell = new Float64Array(d.batch.length);
  for (let j = 0; j < d.context.length; j++) {
    for (let i = 0; i < d.batch.length; i++) cell[i] = d.ms[i][j];
    column[j] = interpolate(d.batch, cell, batch);
  }
  return interpolate(d.context, column, context);
}

/** Prefill step milliseconds of a chunk of `tokens` prompt tokens. */
export function prefillStepMs(table: StepTable, tokens: number): number {
  return interpolate(table.prefill.tokens, table.prefill.ms, tokens);
}

/** Sum over k = from .. to - 1 of a + b k. */
function lineSum(a: number, b: number, from: number, to: number): number {
  const n = to - from;
  return n <= 0 ? 0 : a * n + (b * (from + to - 1) * n) / 2;
}

/**
 * A step-time model whose times come from a measured table. It keeps the roofline model it is
 * built from for everything that is not a time (KV bytes per token, weights per device: the KV
 * block count), and replaces every step time with the table's.
 */
export class TableStepTime extends StepTimeModel {
  private readonly contexts: Float64Array;
  /** Decode step seconds at each context of the grid for batch `columnN` (cached: stretches reuse n). */
  private readonly columnS: Float64Array;
  private columnN = -1;
  private readonly cell: Float64Array;

  constructor(
    base: StepTimeModel,
    readonly table: StepTable,
  ) {
    super(base.model, base.device, base.parallel);
    this.contexts = Float64Array.from(table.decode.context);
    this.columnS = new Float64Array(table.decode.context.length);
    this.cell = new Float64Array(table.decode.batch.length);
  }

  /** Fills columnS for a batch of n (seconds by context). */
  private column(n: number): Float64Array {
    if (n !== this.columnN) {
      const d = this.table.decode;
      for (let j = 0; j < d.context.length; j++) {
        for (let i = 0; i < d.batch.length; i++) this.cell[i] = d.ms[i][j] / 1000;
        this.columnS[j] = interpolate(d.batch, this.cell, n);
      }
      this.columnN = n;
    }
    return this.columnS;
  }

  /** Seconds of a decode-only step of n requests whose mean cached context is `context`. */
  decodeSeconds(n: number, context: number): number {
    return interpolate(this.contexts, this.column(n), context);
  }

  prefillSeconds(tokens: number): number {
    return prefillStepMs(this.table, tokens) / 1000;
  }

  override stepSeconds(c: StepComposition): number {
    const n = c.decodes;
    if (c.prefillTokens <= 0) return n > 0 ? this.decodeSeconds(n, c.decodeCachedSum / n) : 0;
    if (n <= 0) return this.prefillSeconds(c.prefillTokens);
    const attention = this.decodeSeconds(n, c.decodeCachedSum / n) - this.column(n)[0];
    return this.prefillSeconds(c.prefillTokens + n) + Math.max(0, attention);
  }

  override breakdown(c: StepComposition): StepBreakdown {
    const total = this.stepSeconds(c);
    return {
      overhead: 0,
      linearCompute: 0,
      linearMemory: 0,
      attentionCompute: 0,
      attentionMemory: 0,
      communication: 0,
      total,
    };
  }

  /** The stretch is described by its batch and starting context sum: [n, cachedSum]. */
  override decodeRunLines(n: number, cachedSum: number, out: Float64Array): void {
    out.fill(0);
    out[0] = n;
    out[1] = cachedSum;
  }

  override runSecondsFromLines(lines: Float64Array, steps: number): number {
    return this.decodeRunSeconds(lines[0], lines[1], steps);
  }

  /**
   * Seconds of K decode-only steps of the same n requests, the first with `cachedSum` cached
   * tokens in all: step k's mean context is cachedSum / n + k, and the step time is piecewise
   * linear in it (breaks at the grid's contexts), so the sum is a sum of line segments.
   */
  override decodeRunSeconds(n: number, cachedSum: number, steps: number): number {
    if (n <= 0 || steps <= 0) return 0;
    const ys = this.column(n);
    const xs = this.contexts;
    const c0 = cachedSum / n;
    const last = xs.length - 1;
    // first k whose context c0 + k reaches x
    const firstAt = (x: number) => Math.min(steps, Math.max(0, Math.ceil(x - c0)));
    let total = 0;
    let from = 0;
    // below the grid: flat
    let to = firstAt(xs[0]);
    total += ys[0] * (to - from);
    from = to;
    for (let j = 0; j < last && from < steps; j++) {
      to = firstAt(xs[j + 1]);
      const b = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]);
      // y = ys[j] + b (c0 + k - xs[j])
      total += lineSum(ys[j] + b * (c0 - xs[j]), b, from, to);
      from = to;
    }
    if (from < steps) {
      const b = lastSlope(xs, ys);
      total += lineSum(ys[last] + b * (c0 - xs[last]), b, from, steps);
    }
    return total;
  }
}
