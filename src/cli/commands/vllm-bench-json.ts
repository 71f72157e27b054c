/**
 * Reads the result file of vLLM's serving benchmark (`vllm bench serve --save-result
 * --save-detailed`, formerly benchmarks/benchmark_serving.py) as measured requests for
 * `fleetsim calibrate` (docs/service-model.md "Calibration to your own measurements").
 *
 * Per-request arrays used: `input_lens` (prompt tokens), `output_lens` (tokens generated), `ttfts`
 * (seconds), `latencies` (end-to-end seconds; older files without it: ttft + the sum of `itls`),
 * `start_times` (when each request was sent, seconds on one clock) and `errors` (a non-empty
 * message marks a failed request, left out). Without `start_times` the arrivals are drawn as the
 * benchmark draws them (synthesizedArrivals): `request_rate` "inf" sends every request at 0; a
 * finite rate or a ramp-up (`ramp_up_strategy`, `ramp_up_start_rps`, `ramp_up_end_rps`) spaces
 * them by gamma intervals of mean 1 / rate and shape `burstiness` (1, a Poisson process, when the
 * file does not say), from a seeded stream; the order of the arrays is the order they were sent.
 */

import type { MeasuredRequest } from "../../api/calibrate.js";
import { deriveStream, NormalSource, type RandomStream } from "../../engine/random.js";
import { InputError, type InputProblem } from "../../errors.js";
import { LIMITS } from "../../scenario/schema/limits.js";

/** Whether a measurements file is a vLLM benchmark JSON: by extension, else by its first character. */
export function isJsonMeasurement(file: string, text: string): boolean {
  return file.toLowerCase().endsWith(".json") || text.trimStart().startsWith("{");
}

type Row = Record<string, unknown>;

export interface VllmBenchMeasurement {
  requests: MeasuredRequest[];
  /** How the arrivals were obtained when the file has no start_times (null when it has them). */
  arrivalNote: string | null;
}

export function readVllmBenchJson(file: string, text: string, seed = 1): VllmBenchMeasurement {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError({ file, message: `not a JSON file: ${(e as Error).message}` });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new InputError({ file, message: "must be the JSON object vLLM's serving benchmark writes" });
  }
  const d = data as Row;
  const n = arrayOf(d, "input_lens", file).length;
  const field = (name: string) => {
    const a = arrayOf(d, name, file);
    if (a.length !== n) {
      throw new InputError({
        file,
        path: name,
        message: `has ${a.length} entries but input_lens has ${n} (one per request)`,
      });
    }
    return a;
  };
  const inputs = field("input_lens");
  const outputs = field("output_lens");
  const ttfts = field("ttfts");
  const errors = "errors" in d ? field("errors") : null;
  const latencies = "latencies" in d ? field("latencies") : null;
  const itls = latencies === null ? needed(d, "itls", file, "latencies", field) : null;
  const starts = "start_times" in d ? field("start_times") : null;
  const arrivals = starts === null ? synthesizedArrivals(d, n, file, seed) : null;

  const problems: InputProblem[] = [];
  const out: MeasuredRequest[] = [];
  const bad = (name: string, i: number, want: string, got: unknown) =>
    problems.push({ file, path: `${name}[${i}]`, message: `must be ${want}, got ${JSON.stringify(got)}` });
  for (let i = 0; i < n; i++) {
    if (errors !== null && typeof errors[i] === "string" && errors[i] !== "") continue; // failed request
    const prompt = inputs[i];
    const output = outputs[i];
    const ttft = ttfts[i];
    if (!isWhole(prompt)) bad("input_lens", i, "a whole number >= 1", prompt);
    if (!isWhole(output)) bad("output_lens", i, "a whole number >= 1", output);
    if (!isPositive(ttft)) bad("ttfts", i, "a number > 0 and at most 100 years (seconds)", ttft);
    let e2e: unknown;
    if (latencies !== null) e2e = latencies[i];
    else {
      const gaps = itls![i];
      if (!Array.isArray(gaps) || !gaps.every((g) => typeof g === "number" && Number.isFinite(g) && g >= 0)) {
        bad("itls", i, "a list of numbers >= 0 (seconds)", gaps);
        continue;
      }
      e2e = (ttft as number) + gaps.reduce((a: number, g: number) => a + g, 0);
    }
    if (!isPositive(e2e))
      bad(latencies !== null ? "latencies" : "itls", i, "a number > 0 and at most 100 years (seconds)", e2e);
    const start = starts !== null ? starts[i] : arrivals![i];
    if (typeof start !== "number" || !Number.isFinite(start) || Math.abs(start) > LIMITS.durationS)
      bad("start_times", i, "a number of seconds within 100 years of 0", start);
    if (isPositive(ttft) && isPositive(e2e) && ttft > e2e) {
      problems.push({
        file,
        path: `ttfts[${i}]`,
        message: `is after the end-to-end time (${ttft} > ${e2e})`,
      });
    }
    out.push({
      arrivalS: start as number,
      promptTokens: prompt as number,
      outputTokens: output as number,
      ttftS: ttft as number,
      e2eS: e2e as number,
    });
  }
  if (problems.length > 0) throw new InputError(problems.slice(0, 20));
  if (out.length < 3) {
    throw new InputError({ file, message: `needs at least 3 successful requests, has ${out.length}` });
  }
  // start times are on any clock: from the first; drawn arrivals keep the benchmark's start at 0
  const origin = starts !== null ? Math.min(...out.map((q) => q.arrivalS)) : 0;
  for (const q of out) q.arrivalS -= origin;
  const shape = `gamma intervals of shape burstiness ${d.burstiness ?? "1 (not in the file)"} (seed ${seed})`;
  const arrivalNote =
    starts !== null
      ? null
      : d.ramp_up_strategy !== undefined && d.ramp_up_strategy !== null
        ? `no start_times: arrivals drawn on a ${d.ramp_up_strategy} ramp from ${d.ramp_up_start_rps} to ${d.ramp_up_end_rps} requests/s, ${shape}`
        : d.request_rate === "inf"
          ? 'no start_times: request_rate "inf", every request sent at 0'
          : `no start_times: arrivals drawn at request_rate ${d.request_rate}/s, ${shape}`;
  return { requests: out.sort((a, b) => a.arrivalS - b.arrivalS), arrivalNote };
}

function arrayOf(d: Row, name: string, file: string): unknown[] {
  const a = d[name];
  if (a === undefined) {
    throw new InputError({
      file,
      path: name,
      message: `is missing: per-request arrays come with vllm bench serve --save-result --save-detailed`,
    });
  }
  if (!Array.isArray(a))
    throw new InputError({ file, path: name, message: "must be a list (one entry per request)" });
  return a;
}

/** An array needed because another is absent. */
function needed(
  d: Row,
  name: string,
  file: string,
  instead: string,
  field: (n: string) => unknown[],
): unknown[] {
  if (!(name in d)) {
    throw new InputError({
      file,
      path: name,
      message: `is missing, and so is ${instead}: the end-to-end times come from one of them`,
    });
  }
  return field(name);
}

const isWhole = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 1;
/** A time in seconds above 0 and at most fleetsim's longest duration (100 years): beyond it float times lose the milliseconds. */
const isPositive = (x: unknown): x is number =>
  typeof x === "number" && Number.isFinite(x) && x > 0 && x <= LIMITS.durationS;

/**
 * Arrival times as the benchmark drew them (no per-request start times in the file): request i
 * waits an interval drawn at the rate of its turn (request_rate, or the ramp-up's rate at
 * progress i / (n - 1)), gamma with shape burstiness and mean 1 / rate, and is sent at the sum of
 * the intervals up to and including its own; at a fixed rate the sums are then scaled so that the
 * last request goes at n / rate, as the benchmark does. The draws are fleetsim's (seeded), not the
 * benchmark's: the same process, not the same instants.
 */
function synthesizedArrivals(d: Row, n: number, file: string, seed: number): number[] {
  if (d.max_concurrency !== undefined && d.max_concurrency !== null) {
    throw new InputError({
      file,
      path: "start_times",
      message: `is missing and max_concurrency is ${JSON.stringify(d.max_concurrency)}: requests were sent as others finished, which only their start times record`,
    });
  }
  const burstiness = d.burstiness ?? 1;
  if (typeof burstiness !== "number" || !(burstiness > 0) || !Number.isFinite(burstiness)) {
    throw new InputError({
      file,
      path: "burstiness",
      message: `must be a number > 0, got ${JSON.stringify(burstiness)}`,
    });
  }
  const rateAt = rateOfTurn(d, n, file);
  if (rateAt === null) return new Array(n).fill(0);
  const rng = deriveStream(seed, "vllm-bench-arrivals");
  const normal = new NormalSource(rng);
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    const rate = rateAt(i);
    // gamma(shape k, scale 1 / (rate k)): mean 1 / rate; k = 1 is exponential
    t += gammaDraw(rng, normal, burstiness) / (rate * burstiness);
    out.push(t);
  }
  const fixed = d.ramp_up_strategy === undefined || d.ramp_up_strategy === null;
  if (fixed && t > 0) {
    const scale = n / rateAt(0) / t;
    for (let i = 0; i < n; i++) out[i]! *= scale;
  }
  return out;
}

/** The rate of request i's turn, or null when every request is sent at once (request_rate "inf"). */
function rateOfTurn(d: Row, n: number, file: string): ((i: number) => number) | null {
  const strategy = d.ramp_up_strategy;
  if (strategy !== undefined && strategy !== null) {
    const from = d.ramp_up_start_rps;
    const to = d.ramp_up_end_rps;
    for (const [name, v] of [
      ["ramp_up_start_rps", from],
      ["ramp_up_end_rps", to],
    ] as const) {
      if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
        throw new InputError({ file, path: name, message: `must be a number > 0, got ${JSON.stringify(v)}` });
      }
    }
    const a = from as number;
    const b = to as number;
    const progress = (i: number) => i / Math.max(n - 1, 1);
    if (strategy === "linear") return (i) => a + (b - a) * progress(i);
    if (strategy === "exponential") return (i) => a * (b / a) ** progress(i);
    throw new InputError({
      file,
      path: "ramp_up_strategy",
      message: `must be "linear" or "exponential", got ${JSON.stringify(strategy)}`,
    });
  }
  const rate = d.request_rate;
  if (rate === "inf") return null;
  if (typeof rate !== "number" || !(rate > 0) || !Number.isFinite(rate)) {
    throw new InputError({
      file,
      path: rate === undefined ? "start_times" : "request_rate",
      message:
        rate === undefined
          ? "is missing, and so is request_rate: the arrivals come from one of them"
          : `must be a number > 0 or "inf", got ${JSON.stringify(rate)}`,
    });
  }
  return () => rate;
}

/** A gamma(shape k, scale 1) draw: Marsaglia and Tsang (2000), with the k < 1 boost u^(1/k). */
function gammaDraw(rng: RandomStream, normal: NormalSource, k: number): number {
  if (k < 1) return gammaDraw(rng, normal, k + 1) * (1 - rng.next()) ** (1 / k);
  const dd = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * dd);
  for (;;) {
    const x = normal.next();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + dd - dd * v + dd * Math.log(v)) return dd * v;
  }
}
