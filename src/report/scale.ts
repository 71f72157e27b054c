/** Axis scales and tick choice for the report charts. */

export interface Scale {
  (v: number): number;
  ticks: number[];
  /** The domain's ends after rounding to ticks. */
  lo: number;
  hi: number;
}

/** A "nice" step (1, 2, 2.5 or 5 times a power of ten) giving about `count` ticks over the span. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  const nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
  return nice * pow;
}

function linear(lo: number, hi: number, r0: number, r1: number, ticks: number[]): Scale {
  const f = ((v: number) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0)) as Scale;
  return Object.assign(f, { ticks, lo, hi });
}

export interface ValueScaleOptions {
  /** Stretch the domain to 0 (bars and stacked amounts: true; points with intervals: false). */
  zero?: boolean;
  count?: number;
}

/**
 * Linear value scale onto [r0, r1], the domain taken from the data and widened to nice ticks.
 * With `zero` (the default) it also reaches 0; it goes below 0 only when a value does.
 */
export function valueScale(values: number[], r0: number, r1: number, opts: ValueScaleOptions = {}): Scale {
  const finite = values.filter(Number.isFinite);
  const zero = opts.zero ?? true;
  let lo = finite.length > 0 ? Math.min(...finite) : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : 1;
  if (zero) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    hi += pad;
    if (!zero || lo !== 0) lo -= pad;
  }
  const step = niceStep(hi - lo, opts.count ?? 5);
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  // Rounding to the step's precision keeps tick labels free of float noise (0.30000000000000004).
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return linear(lo, hi, r0, r1, ticks);
}

/**
 * Log10 scale onto [r0, r1] for positive values, from the decade below the smallest to the decade
 * above the largest, a tick on each decade.
 */
export function logScale(values: number[], r0: number, r1: number): Scale {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  let lo = pos.length > 0 ? Math.floor(Math.log10(Math.min(...pos))) : -3;
  let hi = pos.length > 0 ? Math.ceil(Math.log10(Math.max(...pos))) : 0;
  if (hi === lo) hi = lo + 1;
  if (hi - lo < 2) lo = hi - 2;
  const ticks: number[] = [];
  for (let d = lo; d <= hi; d++) ticks.push(Number((10 ** d).toPrecision(12)));
  const f = ((v: number) => r0 + ((Math.log10(v) - lo) / (hi - lo)) * (r1 - r0)) as Scale;
  return Object.assign(f, { ticks, lo: 10 ** lo, hi: 10 ** hi });
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// minutes for runs shorter than a few hours (a 5-minute trace replay), then hours and days
const TIME_STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
  48 * HOUR,
  168 * HOUR,
];

/** Time scale (ms since epoch) with ticks on whole UTC minutes, hours or days, at most about `count`. */
export function timeScale(t0: number, t1: number, r0: number, r1: number, count = 8): Scale {
  const span = Math.max(t1 - t0, 1);
  const step =
    TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / (168 * HOUR)) * 168 * HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  const f = ((v: number) => r0 + ((v - t0) / span) * (r1 - r0)) as Scale;
  return Object.assign(f, { ticks, lo: t0, hi: t0 + span });
}
