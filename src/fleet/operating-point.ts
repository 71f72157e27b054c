/**
 * The operating point of a replica group in the fluid model: given the request rate each replica
 * receives and the mean prompt / output tokens, how many requests each replica holds, how fast
 * they decode and how busy the replicas are. Same service curve as the request engine
 * (docs/service-model.md), same rule that prefill pauses the batch. Method: docs/fluid-mode.md.
 *
 * With lambda requests/s per replica, prompt P, output O, prefill rate R and decode curve d(b):
 *   p   = P / R                      prefill time of one request
 *   f   = lambda p                   fraction of time the replica is prefilling (the batch waits)
 *   Wp  = f / (1 - f) p (1 + cv2) / 2  wait for other prompts' prefills (M/G/1, cv2: prompt variability)
 *   tau = b / d(b) / (1 - f)         seconds per output token at batch b, pauses included
 *   T(L) = Wp + p + (O - 1) tau(b(L))   time a request is held
 *   L = lambda T(L)                  Little's law: the fixed point, a root on [0, B] (regula falsi)
 * where b(L) = L / busy(L) (the batch while the replica is busy, at least 1) is the batch a
 * request decodes in. No root below the maximum batch B means the replicas are saturated: they
 * run full and complete 1 / (p + (O - 1) / d(B)) requests/s each.
 */

import { busyFraction } from "./busy-fraction.js";
import type { ServiceCurve } from "./service-model.js";

export interface OperatingPoint {
  /** Mean requests held per replica (prefilling or decoding). */
  held: number;
  /** Fraction of the replicas holding at least one request. */
  busy: number;
  /** Batch a decoding request shares the replica with (itself included). */
  batch: number;
  /** Seconds per output token of a decoding request, prefill pauses included (TPOT). */
  tpotS: number;
  /** Mean wait for other requests' prefills before a request's own prefill, seconds. */
  prefillWaitS: number;
  /** True when the replicas cannot keep up: they run at the maximum batch. */
  saturated: boolean;
}

export function emptyOperatingPoint(): OperatingPoint {
  return { held: 0, busy: 0, batch: 1, tpotS: 0, prefillWaitS: 0, saturated: false };
}

const MAX_ITERATIONS = 60;
/** Root accuracy in requests held per replica. */
const TOLERANCE = 1e-9;

/** Decode tokens/s of one replica at a fractional batch b in [1, maxBatch] (linear between whole batches). */
export function decodeAt(curve: ServiceCurve, b: number): number {
  const d = curve.decodeTokensPerS;
  const B = curve.maxBatch;
  if (b >= B) return d[B];
  if (b <= 1) return d[1];
  const lo = Math.floor(b);
  const frac = b - lo;
  return d[lo] + frac * (d[lo + 1] - d[lo]);
}

/**
 * Requests per second one replica completes when kept full. Prefill pauses: each request's prompt
 * stops the batch. Step curves (chunked prefill): every step runs maxBatch decodes with the
 * prompts of the requests that replace the finished ones mixed in (saturatedStepSeconds).
 */
export function fullRequestsPerS(curve: ServiceCurve, prompt: number, output: number): number {
  const B = curve.maxBatch;
  if (curve.mixedPrefillSPerToken !== undefined) {
    return B / (Math.max(1, output) * saturatedStepSeconds(curve, prompt, output));
  }
  return 1 / (prompt / curve.prefillTokensPerS + Math.max(0, output - 1) / curve.decodeTokensPerS[B]);
}

/**
 * Step time of a full step-served replica: B decodes, and the prompts of the B / output requests
 * that start each step (one finishes every `output` steps per slot) at the mixed cost per token.
 */
function saturatedStepSeconds(curve: ServiceCurve, prompt: number, output: number): number {
  const B = curve.maxBatch;
  return B / curve.decodeTokensPerS[B] + ((B * prompt) / Math.max(1, output)) * curve.mixedPrefillSPerToken!;
}

/**
 * Solves the operating point of `replicas` replicas each receiving `lambda` requests/s with the
 * given mean prompt and output tokens; writes it into `out` (no allocation) and returns it.
 * `guess` (the previous step's held count, 0 for none) only speeds the search up.
 */
export function solveOperatingPoint(
  curve: ServiceCurve,
  lambda: number,
  prompt: number,
  output: number,
  replicas: number,
  out: OperatingPoint,
  guess = 0,
  promptCv2 = 1,
): OperatingPoint {
  const B = curve.maxBatch;
  const p = prompt / curve.prefillTokensPerS;
  const decodeTokens = Math.max(0, output - 1);
  out.prefillWaitS = 0;
  if (!(lambda > 0) || replicas <= 0) {
    out.held = 0;
    out.busy = 0;
    out.batch = 1;
    out.tpotS = 1 / curve.decodeTokensPerS[1];
    out.saturated = false;
    return out;
  }
  // The share of the replica's time prompts take: alone under pauses, mixed into steps when chunked.
  const f = lambda * (curve.mixedPrefillSPerToken === undefined ? p : prompt * curve.mixedPrefillSPerToken);
  if (f < 1) {
    const wp = (f / (1 - f)) * p * 0.5 * (1 + promptCv2);
    const pause = 1 / (1 - f);
    const fixedS = wp + p;
    const tokenPause = decodeTokens * pause;
    if (excess(curve, replicas, lambda, fixedS, tokenPause, B) <= 0) {
      const L = root(curve, replicas, lambda, fixedS, tokenPause, guess);
      const b = batchAt(replicas, L, B);
      out.held = L;
      out.busy = busyFraction(replicas, L);
      out.batch = b;
      out.tpotS = (b * pause) / decodeAt(curve, b);
      out.prefillWaitS = wp + stepResidual(curve, out);
      out.saturated = false;
      return out;
    }
  }
  // Saturated: every replica full, prefilling a fraction c p of the time.
  const c = fullRequestsPerS(curve, prompt, output);
  out.held = B;
  out.busy = 1;
  out.batch = B;
  out.tpotS =
    curve.mixedPrefillSPerToken !== undefined
      ? saturatedStepSeconds(curve, prompt, output)
      : B / curve.decodeTokensPerS[B] / Math.max(1e-9, 1 - c * p);
  out.saturated = true;
  out.prefillWaitS = stepResidual(curve, out);
  return out;
}

/**
 * Step-level service (a step curve): a prompt arriving at a busy replica waits for the step in
 * progress to end, on average half a step (a step lasts about one TPOT) by the share of time the
 * replica is busy (Poisson arrivals see time averages). Under prefill pauses it starts at once.
 */
function stepResidual(curve: ServiceCurve, op: OperatingPoint): number {
  return curve.source === "step" ? 0.5 * op.busy * op.tpotS : 0;
}

/**
 * The root of h on [0, B], given h(0) > 0 >= h(B): regula falsi with the Illinois modification
 * (superlinear, never leaves the bracket), a handful of evaluations where bisection takes ~40.
 */
function root(
  curve: ServiceCurve,
  replicas: number,
  lambda: number,
  fixedS: number,
  tokenPause: number,
  guess: number,
): number {
  let lo = 0;
  let hi = curve.maxBatch;
  let hLo = Number.NaN;
  let hHi = Number.NaN;
  if (guess > 0 && guess < hi) {
    // Warm start: a bracket of +-1 % around the previous step's root, when it holds the root.
    const a = guess * 0.99;
    const b = Math.min(hi, guess * 1.01);
    const ha = excess(curve, replicas, lambda, fixedS, tokenPause, a);
    const hb = excess(curve, replicas, lambda, fixedS, tokenPause, b);
    if (ha > 0 && hb <= 0) {
      lo = a;
      hi = b;
      hLo = ha;
      hHi = hb;
    }
  }
  if (Number.isNaN(hLo)) {
    hLo = excess(curve, replicas, lambda, fixedS, tokenPause, lo);
    hHi = excess(curve, replicas, lambda, fixedS, tokenPause, hi);
  }
  if (hHi === 0) return hi;
  let side = 0;
  for (let i = 0; i < MAX_ITERATIONS && hi - lo > TOLERANCE * Math.max(1, hi); i++) {
    const x = (lo * hHi - hi * hLo) / (hHi - hLo);
    const hx = excess(curve, replicas, lambda, fixedS, tokenPause, x);
    if (Math.abs(hx) <= TOLERANCE * Math.max(1, x)) return x;
    if (hx > 0) {
      lo = x;
      hLo = hx;
      if (side === 1) hHi *= 0.5;
      side = 1;
    } else {
      hi = x;
      hHi = hx;
      if (side === -1) hLo *= 0.5;
      side = -1;
    }
  }
  return 0.5 * (lo + hi);
}

/**
 * h(L) = lambda T(L) - L: positive at 0; its root below B is the stable operating point.
 * `fixedS` is Wp + p, `tokenPause` (O - 1) / (1 - f).
 */
function excess(
  curve: ServiceCurve,
  replicas: number,
  lambda: number,
  fixedS: number,
  tokenPause: number,
  L: number,
): number {
  const b = batchAt(replicas, L, curve.maxBatch);
  return lambda * (fixedS + (tokenPause * b) / decodeAt(curve, b)) - L;
}

/** Batch a request decodes in when replicas hold L on average: L / busy(L), within [1, B]. */
function batchAt(replicas: number, L: number, B: number): number {
  if (L <= 0) return 1;
  const u = busyFraction(replicas, L);
  const b = u > 0 ? L / u : 1;
  return Math.max(1, Math.min(b, B));
}
