/**
 * A latency distribution kept in constant memory: count and exact sum for the mean, and a
 * log-linear histogram (0.78 % relative error on every quantile) for p50 and p99.
 */
import { LogHistogram } from "./log-histogram.js";

export class LatencyStats {
  count = 0;
  sum = 0;
  private readonly histogram = new LogHistogram();

  add(v: number): void {
    this.count++;
    this.sum += v;
    this.histogram.add(v);
  }

  /**
   * Records `count` values known only by their sum (the fluid mode's estimates): the mean stays
   * exact, the quantiles unknown (null) unless individual values were also recorded.
   */
  addAggregate(sum: number, count: number): void {
    this.count += count;
    this.sum += sum;
  }

  /** Adds everything `other` recorded: counts, sums and the histogram behind the quantiles. */
  merge(other: LatencyStats): void {
    this.count += other.count;
    this.sum += other.sum;
    this.histogram.merge(other.histogram);
  }

  /** Mean, or null when nothing was recorded. */
  mean(): number | null {
    return this.count > 0 ? this.sum / this.count : null;
  }

  quantile(q: number): number | null {
    return this.histogram.quantile(q);
  }
}
