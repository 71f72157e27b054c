/**
 * The load multipliers of timeline events as a step function of time: the cumulative product of
 * every factor whose `at` has passed (an entry applies from its `at` on, inclusive).
 */
import type { LoadMultiplier } from "./source.js";

export class MultiplierSchedule {
  /** Start of each step; starts[0] is -Infinity (factor 1 before any event). */
  private readonly starts: Float64Array;
  /** Cumulative factor from starts[i] on. */
  private readonly factors: Float64Array;

  constructor(multipliers: readonly LoadMultiplier[]) {
    const sorted = [...multipliers].sort((a, b) => a.at - b.at);
    const starts: number[] = [Number.NEGATIVE_INFINITY];
    const factors: number[] = [1];
    for (const m of sorted) {
      const product = factors[factors.length - 1] * m.factor;
      if (m.at === starts[starts.length - 1]) factors[factors.length - 1] = product;
      else {
        starts.push(m.at);
        factors.push(product);
      }
    }
    this.starts = Float64Array.from(starts);
    this.factors = Float64Array.from(factors);
  }

  /** Number of steps (1 when no multiplier applies). */
  get steps(): number {
    return this.starts.length;
  }

  /** Index of the step holding time t. */
  stepAt(t: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  factorAt(t: number): number {
    return this.factors[this.stepAt(t)];
  }

  /** Factor of step i. */
  factorOfStep(i: number): number {
    return this.factors[i];
  }

  /** End of step i (start of the next one), Infinity for the last. */
  endOfStep(i: number): number {
    return i + 1 < this.starts.length ? this.starts[i + 1] : Number.POSITIVE_INFINITY;
  }

  /** Largest factor in force anywhere in [t0, t1). */
  maxFactorOn(t0: number, t1: number): number {
    let i = this.stepAt(t0);
    let max = this.factors[i];
    while (i + 1 < this.starts.length && this.starts[i + 1] < t1) {
      i++;
      if (this.factors[i] > max) max = this.factors[i];
    }
    return max;
  }

  /**
   * True when the factor is 0 from step i on for good. A product that reaches 0 stays 0, so
   * a source can stop there.
   */
  zeroFromStep(i: number): boolean {
    return this.factors[i] === 0;
  }
}
