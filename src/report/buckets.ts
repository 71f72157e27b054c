/**
 * Long horizons drawn at a readable resolution: the report intervals are grouped into buckets of
 * a whole number of intervals (an hour, 6 hours, a day, a week) so that a chart holds at most
 * MAX_POINTS of them. A year of hourly rows becomes 53 weeks, each drawn with its mean and its
 * range, instead of 8,760 points squeezed into a solid band.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WIDTHS = [HOUR, 6 * HOUR, DAY, 7 * DAY, 28 * DAY];
export const MAX_POINTS = 120;

export interface Buckets {
  /** Start of each bucket, ms since epoch. */
  times: number[];
  /** Width of one bucket in ms. */
  width: number;
  /** End of each bucket's data: the last one may hold fewer intervals (a year is 52 weeks and a day). */
  ends: number[];
  /** The bucket's width in words ("hour", "day", "5 min"), for axis labels. */
  unit: string;
  /** True when buckets hold more than one report interval. */
  aggregated: boolean;
  /** Sum, mean, min or max of the finite values in each bucket (NaN for a bucket without any). */
  reduce(values: number[], how: "sum" | "mean" | "min" | "max"): number[];
  /**
   * An amount per bucket as a rate: the mean per interval times the intervals in a whole bucket.
   * Equal to the sum for a whole bucket; a last partial bucket reads at its own rate instead of
   * dropping (for lines; bars show the partial sum on a narrower bar).
   */
  rate(values: number[]): number[];
}

/**
 * The report interval: the smallest step between consecutive period starts. With one period the
 * run is no longer than one interval, so the run's length (`horizonMs`) is the interval; an hour
 * when neither tells.
 */
export function intervalOf(times: number[], horizonMs?: number): number {
  let step = Number.POSITIVE_INFINITY;
  for (let k = 1; k < times.length; k++) step = Math.min(step, times[k]! - times[k - 1]!);
  if (Number.isFinite(step) && step > 0) return step;
  return horizonMs !== undefined && horizonMs > 0 ? horizonMs : HOUR;
}

export function unitOf(ms: number): string {
  const names: [number, string][] = [
    [28 * DAY, "4 weeks"],
    [7 * DAY, "week"],
    [DAY, "day"],
    [HOUR, "hour"],
    [MINUTE, "min"],
  ];
  for (const [w, name] of names) {
    if (ms % w === 0) return ms === w ? name : `${ms / w} ${name === "min" ? "min" : `${name}s`}`;
  }
  return `${ms / 1000} s`;
}

/**
 * `horizonMs`: the run's length from its first period start (summary.csv horizon_s); the last
 * bucket ends there when the run stops inside an interval.
 */
export function buckets(times: number[], horizonMs?: number, maxPoints = MAX_POINTS): Buckets {
  const interval = intervalOf(times, horizonMs);
  const t0 = times[0] ?? 0;
  const span = times.length > 0 ? times[times.length - 1]! - t0 + interval : interval;
  const width =
    span / interval <= maxPoints
      ? interval
      : (WIDTHS.find((w) => w > interval && w % interval === 0 && span / w <= maxPoints) ??
        Math.ceil(span / maxPoints / interval) * interval);
  const index = times.map((t) => Math.floor((t - t0) / width));
  const n = index.length > 0 ? index[index.length - 1]! + 1 : 0;
  const starts = Array.from({ length: n }, (_, b) => t0 + b * width);
  const ends = starts.map((t) => t + width);
  if (n > 0) {
    const runEnd = horizonMs !== undefined && horizonMs > 0 ? t0 + horizonMs : Number.POSITIVE_INFINITY;
    ends[n - 1] = Math.min(ends[n - 1]!, times[times.length - 1]! + interval, runEnd);
  }
  const perBucket = width / interval;
  return {
    times: starts,
    width,
    ends,
    rate(values) {
      return this.reduce(values, "mean").map((m) => m * perBucket);
    },
    unit: unitOf(width),
    aggregated: width !== interval,
    reduce(values, how) {
      const acc = starts.map(() => [] as number[]);
      values.forEach((v, k) => {
        if (Number.isFinite(v)) acc[index[k]!]!.push(v);
      });
      return acc.map((xs) => {
        if (xs.length === 0) return Number.NaN;
        if (how === "min") return Math.min(...xs);
        if (how === "max") return Math.max(...xs);
        const sum = xs.reduce((a, b) => a + b, 0);
        return how === "sum" ? sum : sum / xs.length;
      });
    },
  };
}
