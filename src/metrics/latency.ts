/**
 * A latency distribution kept in constant memory: count and exact sum for the mean, and a
 * log-linear histogram (0.78 % relative error on every quantile) for p50 and p99.
 */
import { LogHistogram } from "./log-histogram.js";

export class LatencyStats {
  sum = 0;
  /** Values recorded only by their sum (addAggregate), beside those the histogram counts. */
  private aggregated = 0;
  private readonly histogram = new LogHistogram();

  get count(): number {
    return this.histogram.count + this.aggregated;
  }

  /** One value. Kept this small on purpose: V8 then inlines it into the completion path. */
  add(v: number): void {
    this.sum += v;
    this.histogram.add(v);
  }

  /**
   * Records `count` values known only by their sum (the fluid mode's estimates): the mean stays
   * exact, the quantiles unknown (null) unless individual values were also recorded.
   */
  addAggregate(sum: number, count: number): void {
    this.aggregated += count;
    this.sum += sum;
  }

  /** Adds everything `other` recorded: counts, sums and the histogram behind the quantiles. */
  merge(other: LatencyStats): void {
    this.aggregated += other.aggregated;
    this.sum += other.sum;
    this.histogram.merge(other.histogram);
  }

  /** Mean, or null when nothing was recorded. */
  mean(): number | null {
    const n = this.count;
    return n > 0 ? this.sum / n : null;
  }

  quantile(q: number): number | null {
    return this.histogram.quantile(q);
  }
}
