/**
 * The arrival rate of a synthetic workload as a function of time, before timeline multipliers:
 *   base(t) = rate_per_s * d(t) * g(t)
 *   d(t) = 1 + a cos(2 pi (h(t) - peak_hour_utc) / 24),  a = (R - 1) / (R + 1), R = peak_to_trough
 *   g(t) = (1 + growth_per_month)^(t / 30 days) = exp(kappa t)
 * where h(t) is the UTC hour of day of start + t. d has daily mean 1 and max/min = R exactly.
 * It gives the rate, an upper bound on an interval (for thinning) and the exact integral (for
 * time rescaling and expected counts), all in closed form.
 */
import type { ArrivalSpec, Diurnal } from "../scenario/types.js";

export const SECONDS_PER_MONTH = 30 * 86_400;
const OMEGA = (2 * Math.PI) / 86_400;
const TWO_PI = 2 * Math.PI;

export interface RateShape {
  ratePerS: number;
  diurnal: Diurnal | null;
  growthPerMonth: number;
}

export class RateProfile {
  readonly ratePerS: number;
  /** Diurnal amplitude a (0 without a diurnal pattern). */
  readonly amplitude: number;
  /** Phase of the cosine at t = 0, so d(t) = 1 + a cos(OMEGA t + phase0). */
  private readonly phase0: number;
  /** Growth exponent per second: g(t) = exp(kappa t). */
  readonly kappa: number;

  constructor(shape: RateShape, startMs: number) {
    this.ratePerS = shape.ratePerS;
    const r = shape.diurnal?.peakToTrough ?? 1;
    this.amplitude = shape.diurnal ? (r - 1) / (r + 1) : 0;
    // Seconds since the UTC midnight before the start; kept small so cosines stay precise.
    const secondsIntoDay = (((startMs % 86_400_000) + 86_400_000) % 86_400_000) / 1000;
    const peakS = (shape.diurnal?.peakHourUtc ?? 0) * 3600;
    this.phase0 = OMEGA * (secondsIntoDay - peakS);
    this.kappa = Math.log1p(shape.growthPerMonth) / SECONDS_PER_MONTH;
  }

  /** d(t) * g(t). */
  shape(t: number): number {
    let v = 1;
    if (this.amplitude !== 0) v += this.amplitude * Math.cos(OMEGA * t + this.phase0);
    if (this.kappa !== 0) v *= Math.exp(this.kappa * t);
    return v;
  }

  /** Rate before multipliers, requests per second. */
  rate(t: number): number {
    return this.ratePerS * this.shape(t);
  }

  /** An upper bound of rate(t) over [t0, t1] (exact maximum of each factor). */
  maxRate(t0: number, t1: number): number {
    let d = 1;
    if (this.amplitude !== 0) {
      const th0 = OMEGA * t0 + this.phase0;
      const th1 = OMEGA * t1 + this.phase0;
      // The cosine peaks at multiples of 2 pi; otherwise it is largest at an end.
      const peakInside = TWO_PI * Math.ceil(th0 / TWO_PI) <= th1;
      d = 1 + this.amplitude * (peakInside ? 1 : Math.max(Math.cos(th0), Math.cos(th1)));
    }
    const g = this.kappa === 0 ? 1 : Math.exp(this.kappa * (this.kappa > 0 ? t1 : t0));
    return this.ratePerS * d * g;
  }

  /** Integral of rate(t) over [t0, t1], closed form. */
  integral(t0: number, t1: number): number {
    if (t1 <= t0) return 0;
    const dt = t1 - t0;
    const k = this.kappa;
    const a = this.amplitude;
    const g0 = k === 0 ? 1 : Math.exp(k * t0);
    // Integral of exp(k u) over [0, dt].
    let total = k === 0 ? dt : Math.expm1(k * dt) / k;
    if (a !== 0) {
      const th0 = OMEGA * t0 + this.phase0;
      const th1 = th0 + OMEGA * dt;
      if (k === 0) {
        // sin(th1) - sin(th0) written without cancellation for short intervals.
        total += (a * 2 * Math.cos((th0 + th1) / 2) * Math.sin((OMEGA * dt) / 2)) / OMEGA;
      } else {
        const e1 = Math.exp(k * dt);
        const num =
          e1 * (k * Math.cos(th1) + OMEGA * Math.sin(th1)) - (k * Math.cos(th0) + OMEGA * Math.sin(th0));
        total += (a * num) / (k * k + OMEGA * OMEGA);
      }
    }
    return this.ratePerS * g0 * total;
  }
}

/** Seconds from `startMs` to the first whole UTC hour strictly after it. */
export function firstHourEnd(startMs: number): number {
  const intoHour = ((startMs % 3_600_000) + 3_600_000) % 3_600_000;
  return (3_600_000 - intoHour) / 1000;
}

/** Share of the time an arrival process sends: an MMPP's on fraction (it sends only while on), else 1. */
export function onFraction(a: ArrivalSpec): number {
  return a.process === "mmpp" && a.offMean > 0 ? a.onMean / (a.onMean + a.offMean) : 1;
}
