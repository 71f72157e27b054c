/** Axis scales and tick choice for the report charts. */

export interface Scale {
  (v: number): number;
  ticks: number[];
}

/** A "nice" step (1, 2, 2.5 or 5 times a power of ten) giving about `count` ticks over the span. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  const nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
  return nice * pow;
}

/** Linear value scale onto [r0, r1], domain widened to nice ticks and always including 0. */
export function valueScale(values: number[], r0: number, r1: number, count = 5): Scale {
  const finite = values.filter(Number.isFinite);
  let lo = Math.min(0, ...finite);
  let hi = Math.max(0, ...finite);
  if (hi === lo) hi = lo + 1;
  const step = niceStep(hi - lo, count);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Rounding to the step's precision keeps tick labels free of float noise (0.30000000000000004).
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  const f = ((v: number) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0)) as Scale;
  f.ticks = ticks;
  return f;
}

const HOUR = 3_600_000;
const TIME_STEPS = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 168 * HOUR];

/** Time scale (ms since epoch) with ticks on whole UTC hours or days, at most about `count`. */
export function timeScale(t0: number, t1: number, r0: number, r1: number, count = 8): Scale {
  const span = Math.max(t1 - t0, 1);
  const step =
    TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / (168 * HOUR)) * 168 * HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  const f = ((v: number) => r0 + ((v - t0) / span) * (r1 - r0)) as Scale;
  f.ticks = ticks;
  return f;
}
