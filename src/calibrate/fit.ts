/**
 * Fits a hardware profile's step-model figures (compute efficiency, memory efficiency, per-step
 * overhead) to measurements of one server: requests with their arrival time, prompt and output
 * tokens, measured TTFT and end-to-end time. Each candidate is judged by replaying the measured
 * requests on one step replica (replay.ts) and comparing its TTFT and end-to-end times request by
 * request, in log space (relative errors), with Levenberg-Marquardt (ml-levenberg-marquardt).
 */
import { levenbergMarquardt } from "ml-levenberg-marquardt";
import type { StepServing } from "../fleet/step-curve.js";
import { DEFAULT_STEP_OVERHEAD_MS, type ServingOptions, servingSetup } from "../fleet/step-setup.js";
import type { HardwareProfile, ModelSpec } from "../scenario/types.js";
import { type ReplayRequest, replayStepReplica } from "./replay.js";

export interface MeasuredRequest extends ReplayRequest {
  ttftS: number;
  e2eS: number;
}

/** The figures calibration fits. */
export interface StepFigures {
  computeEfficiency: number;
  memoryEfficiency: number;
  stepOverheadMs: number;
}

export interface FitError {
  /** Mean of |predicted / measured - 1| over the requests, TTFT and end-to-end. */
  ttftMeanAbs: number;
  e2eMeanAbs: number;
  /** Relative error of the mean TTFT and of the mean end-to-end time. */
  ttftOfMean: number;
  e2eOfMean: number;
}

export interface CalibrationResult {
  before: StepFigures;
  after: StepFigures;
  errorBefore: FitError;
  errorAfter: FitError;
  iterations: number;
  evaluations: number;
}

/**
 * The fit's parameters are 1 / compute efficiency, 1 / memory efficiency and the overhead in ms:
 * step times are piecewise linear in them (a time is work / (peak x efficiency)), which keeps the
 * Gauss-Newton steps of Levenberg-Marquardt on target. Bounds: efficiencies 2 % .. 100 % of peak.
 */
const MIN = [1, 1, 0];
const MAX = [50, 50, 100];

export function figuresOf(profile: HardwareProfile): StepFigures {
  return {
    computeEfficiency: profile.efficiency.compute,
    memoryEfficiency: profile.efficiency.memory,
    stepOverheadMs: profile.stepOverheadMs ?? DEFAULT_STEP_OVERHEAD_MS,
  };
}

/** The step replica's configuration for `figures` (the rest as `opts` and the profile say). */
export function servingWith(
  profile: HardwareProfile,
  model: ModelSpec,
  figures: StepFigures,
  opts: ServingOptions,
): StepServing {
  return servingSetup(profile, model, {
    ...opts,
    device: {
      computeEfficiency: figures.computeEfficiency,
      memoryEfficiency: figures.memoryEfficiency,
      stepOverheadS: figures.stepOverheadMs / 1000,
    },
  });
}

/** Predicted TTFT and end-to-end times of the measured requests under `figures`. */
export function predict(
  requests: readonly ReplayRequest[],
  profile: HardwareProfile,
  model: ModelSpec,
  figures: StepFigures,
  opts: ServingOptions,
): { ttftS: Float64Array; e2eS: Float64Array } {
  const serving = servingWith(profile, model, figures, opts);
  const out = replayStepReplica(requests, serving);
  const n = requests.length;
  const ttftS = new Float64Array(n);
  const e2eS = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ttftS[i] = out.firstTokenS[i]! - requests[i]!.arrivalS;
    e2eS[i] = out.finishS[i]! - requests[i]!.arrivalS;
  }
  return { ttftS, e2eS };
}

export function fitError(
  measured: readonly MeasuredRequest[],
  p: { ttftS: Float64Array; e2eS: Float64Array },
): FitError {
  let t = 0;
  let e = 0;
  let mt = 0;
  let me = 0;
  let pt = 0;
  let pe = 0;
  measured.forEach((m, i) => {
    t += Math.abs(p.ttftS[i]! / m.ttftS - 1);
    e += Math.abs(p.e2eS[i]! / m.e2eS - 1);
    mt += m.ttftS;
    me += m.e2eS;
    pt += p.ttftS[i]!;
    pe += p.e2eS[i]!;
  });
  const n = measured.length;
  return { ttftMeanAbs: t / n, e2eMeanAbs: e / n, ttftOfMean: pt / mt - 1, e2eOfMean: pe / me - 1 };
}

/**
 * Fits compute efficiency, memory efficiency and per-step overhead, starting from the profile's.
 * The measurements must come from ONE server of `model` on `profile` with the scheduler settings
 * in `opts` (vLLM's defaults when not given).
 */
export function calibrate(
  measured: readonly MeasuredRequest[],
  profile: HardwareProfile,
  model: ModelSpec,
  opts: ServingOptions = {},
  maxIterations = 200,
): CalibrationResult {
  if (measured.length < 3) throw new Error("calibration needs at least 3 measured requests");
  const before = figuresOf(profile);
  const cache = new Map<string, { ttftS: Float64Array; e2eS: Float64Array }>();
  let evaluations = 0;
  const evaluate = (params: number[]) => {
    const key = params.join(",");
    let p = cache.get(key);
    if (p === undefined) {
      evaluations++;
      p = predict(measured, profile, model, asFigures(params), opts);
      if (cache.size > 64) cache.clear();
      cache.set(key, p);
    }
    return p;
  };
  // The residuals, all of logs (relative errors), each the mean over a group of requests: TTFT by
  // tenths of the requests by prompt length (the prompt's compute against the fixed cost of a
  // step), and time per output token after the first by tenths by arrival time (the load, so the
  // batch and its contexts, changes over a measurement: the KV reads against the weights and the
  // fixed cost). A single request's TTFT jumps by a whole step when its arrival falls on the other
  // side of a step's end; a group's mean moves smoothly, which the fit's derivatives need.
  const byPrompt = groupsBy(measured, (m) => m.promptTokens, 10);
  const byArrival = groupsBy(
    measured.filter((m) => m.outputTokens > 1),
    (m) => m.arrivalS,
    10,
  ).map((g) => g);
  const decodingIndex = measured.map((m, i) => (m.outputTokens > 1 ? i : -1)).filter((i) => i >= 0);
  const arrivalGroups = byArrival.map((g) => g.map((k) => decodingIndex[k]!));
  const tpot = (ttft: number, e2e: number, out: number) => (e2e - ttft) / (out - 1);
  const meanTtft = (g: number[], t: ArrayLike<number>) => g.reduce((a, i) => a + t[i]!, 0) / g.length;
  const meanTpot = (g: number[], t: ArrayLike<number>, e: ArrayLike<number>) =>
    g.reduce((a, i) => a + tpot(t[i]!, e[i]!, measured[i]!.outputTokens), 0) / g.length;
  const mTtft = Float64Array.from(measured, (m) => m.ttftS);
  const mE2e = Float64Array.from(measured, (m) => m.e2eS);
  const y = [
    ...byPrompt.map((g) => Math.log(meanTtft(g, mTtft))),
    ...arrivalGroups.map((g) => Math.log(meanTpot(g, mTtft, mE2e))),
  ];
  const x = Float64Array.from(y, (_, k) => k);
  const model_ = (params: number[]) => {
    const p = evaluate(params);
    return (k: number) =>
      k < byPrompt.length
        ? Math.log(meanTtft(byPrompt[k]!, p.ttftS))
        : Math.log(meanTpot(arrivalGroups[k - byPrompt.length]!, p.ttftS, p.e2eS));
  };
  const fit = levenbergMarquardt({ x, y }, model_, {
    initialValues: paramsOf(before),
    minValues: MIN,
    maxValues: MAX,
    // finite differences of a few per cent of each parameter: an event simulation's times are
    // piecewise smooth, and steps much smaller see the jumps rather than the trend
    gradientDifference: [0.02, 0.02, 0.05],
    centralDifference: true,
    damping: 1e-2,
    maxIterations,
    errorTolerance: 1e-12,
  });
  const after = asFigures(fit.parameterValues);
  return {
    before,
    after,
    errorBefore: fitError(measured, evaluate(paramsOf(before))),
    errorAfter: fitError(measured, evaluate(fit.parameterValues)),
    iterations: fit.iterations,
    evaluations,
  };
}

/** Indices of `items` in `k` groups of about equal size, ordered by `key`. */
function groupsBy<T>(items: readonly T[], key: (t: T) => number, k: number): number[][] {
  const order = items.map((_, i) => i).sort((a, b) => key(items[a]!) - key(items[b]!));
  const size = Math.ceil(order.length / Math.max(1, Math.min(k, order.length)));
  const out: number[][] = [];
  for (let s = 0; s < order.length; s += size) out.push(order.slice(s, s + size));
  return out;
}

function paramsOf(f: StepFigures): number[] {
  return [1 / f.computeEfficiency, 1 / f.memoryEfficiency, f.stepOverheadMs];
}

function asFigures(p: ArrayLike<number>): StepFigures {
  return { computeEfficiency: 1 / p[0]!, memoryEfficiency: 1 / p[1]!, stepOverheadMs: p[2]! };
}
