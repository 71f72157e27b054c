/** Builders and a drain loop shared by the workload tests. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ArrivalSpec, TokenDist, TraceOptions, WorkloadSpec } from "../../src/scenario/types.js";
import type { RequestDraw, RequestSource, SourceContext } from "../../src/workload/source.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..");
export const sharedTrace = (name: string) => path.resolve(repoRoot, "..", "shared", "traces", name);
export const fixture = (name: string) => path.resolve(repoRoot, "test", "fixtures", "traces", name);

/** 2025-01-01T00:00:00Z */
export const JAN_1_2025 = Date.UTC(2025, 0, 1);

export function workload(
  arrival: ArrivalSpec,
  opts: { id?: string; prompt?: TokenDist | null; output?: TokenDist | null } = {},
): WorkloadSpec {
  const synthetic = arrival.process !== "trace";
  return {
    id: opts.id ?? "0",
    model: "m",
    region: null,
    arrival,
    promptTokens:
      opts.prompt !== undefined
        ? opts.prompt
        : synthetic
          ? { dist: "constant", value: 100, max: null }
          : null,
    outputTokens:
      opts.output !== undefined ? opts.output : synthetic ? { dist: "constant", value: 10, max: null } : null,
    prefix: null,
    slo: null,
    fallback: [],
  };
}

export function poisson(
  ratePerS: number,
  extra: Partial<{
    diurnal: { peakToTrough: number; peakHourUtc: number } | null;
    growthPerMonth: number;
  }> = {},
): ArrivalSpec {
  return {
    process: "poisson",
    ratePerS,
    diurnal: extra.diurnal ?? null,
    growthPerMonth: extra.growthPerMonth ?? 0,
  };
}

export function context(horizon: number, extra: Partial<SourceContext> = {}): SourceContext {
  return { seed: 42, tenantId: "t", startMs: JAN_1_2025, horizon, multipliers: [], ...extra };
}

export function traceOptions(file: string, extra: Partial<TraceOptions> = {}): TraceOptions {
  const jsonl = file.endsWith(".jsonl");
  return {
    file,
    format: jsonl ? "jsonl" : "csv",
    timestampColumn: jsonl ? "timestamp" : "TIMESTAMP",
    promptColumn: jsonl ? "input_length" : "ContextTokens",
    outputColumn: jsonl ? "output_length" : "GeneratedTokens",
    timestampUnit: jsonl ? "ms" : "datetime",
    timeScale: 1,
    loop: false,
    offset: 0,
    prefixColumn: null,
    prefixBlockTokens: 512,
    ...extra,
  };
}

export interface Drained {
  times: Float64Array;
  prompt: Float64Array;
  output: Float64Array;
}

/** Reads every request of a source, refilling as the contract asks. */
export async function drain(source: RequestSource, onRefill?: () => void): Promise<Drained> {
  const times: number[] = [];
  const prompt: number[] = [];
  const output: number[] = [];
  const out: RequestDraw = { time: 0, promptTokens: 0, outputTokens: 0 };
  for (;;) {
    if (source.needsRefill) {
      await source.refill();
      onRefill?.();
    }
    if (!source.next(out)) break;
    times.push(out.time);
    prompt.push(out.promptTokens);
    output.push(out.outputTokens);
  }
  await source.close();
  return {
    times: Float64Array.from(times),
    prompt: Float64Array.from(prompt),
    output: Float64Array.from(output),
  };
}

/** Only the arrival times of a synthetic source (no refills needed), as a typed array. */
export function arrivalTimes(source: RequestSource): Float64Array {
  let buf = new Float64Array(1 << 16);
  let n = 0;
  const out: RequestDraw = { time: 0, promptTokens: 0, outputTokens: 0 };
  while (source.next(out)) {
    if (n === buf.length) {
      const bigger = new Float64Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    buf[n++] = out.time;
  }
  return buf.subarray(0, n);
}

/** Counts of arrivals in consecutive windows of `width` seconds over [0, horizon). */
export function windowCounts(times: Float64Array, width: number, horizon: number): Float64Array {
  const counts = new Float64Array(Math.floor(horizon / width));
  for (const t of times) {
    const i = Math.floor(t / width);
    if (i < counts.length) counts[i]++;
  }
  return counts;
}

export function meanAndVariance(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}

export function isNonDecreasing(xs: Float64Array): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) return false;
  return true;
}
