/** One tenant workload: arrival process, token distributions (files resolved), model references. */
import { statSync } from "node:fs";
import { extname, resolve } from "node:path";
import type { ProblemList } from "./problems.js";
import type { ModelRegistry } from "./resolve-models.js";
import { LIMITS } from "./schema/limits.js";
import type { RawArrival, RawTokenDist, RawWorkload } from "./schema/workload.js";
import type { ArrivalSpec, PrefixSpec, TokenDist, TraceOptions, WorkloadSpec } from "./types.js";
import type { FieldPath } from "./yaml-source.js";

export interface WorkloadContext {
  /** Folder of the scenario file: relative file names start there. */
  dir: string;
  problems: ProblemList;
  models: ModelRegistry;
  /** The scenario's regions ([] = any). */
  regions: string[];
  /** The horizon, seconds (bounds the growth of a rate). */
  horizon: number;
}

export function resolveWorkload(
  raw: RawWorkload,
  index: number,
  path: FieldPath,
  ctx: WorkloadContext,
): WorkloadSpec {
  ctx.models.ref([...path, "model"], raw.model);
  raw.fallback.forEach((m, i) => {
    ctx.models.ref([...path, "fallback", i], m);
  });
  if (raw.region != null) checkRegion(raw.region, [...path, "region"], ctx);
  const isTrace = raw.arrival.process === "trace";
  const tokens = (key: "prompt_tokens" | "output_tokens"): TokenDist | null => {
    const dist = raw[key];
    if (isTrace) {
      if (dist !== undefined) {
        ctx.problems.add(
          [...path, key],
          "must be absent for a trace workload (the trace gives the token counts)",
        );
      }
      return null;
    }
    if (dist === undefined) {
      ctx.problems.add([...path, key], `is required for a ${raw.arrival.process} workload`);
      return null;
    }
    return resolveTokenDist(dist, [...path, key], ctx);
  };
  return {
    id: raw.id ?? String(index),
    model: raw.model,
    region: raw.region ?? null,
    arrival: resolveArrival(raw.arrival, [...path, "arrival"], ctx),
    promptTokens: tokens("prompt_tokens"),
    outputTokens: tokens("output_tokens"),
    prefix: resolvePrefix(raw, isTrace, path, ctx),
    slo: raw.slo ? { ttftS: raw.slo.ttft_s, tpotMs: raw.slo.tpot_ms } : null,
    fallback: raw.fallback,
  };
}

function resolvePrefix(
  raw: RawWorkload,
  isTrace: boolean,
  path: FieldPath,
  ctx: WorkloadContext,
): PrefixSpec | null {
  if (raw.prefix == null) return null;
  if (isTrace) {
    ctx.problems.add([...path, "prefix"], "must be absent for a trace workload (give arrival.prefix_column)");
    return null;
  }
  return { tokens: raw.prefix.tokens, groups: raw.prefix.groups };
}

export function checkRegion(
  region: string,
  path: FieldPath,
  ctx: { regions: string[]; problems: ProblemList },
): void {
  if (ctx.regions.length > 0 && !ctx.regions.includes(region)) {
    ctx.problems.add(
      path,
      `must be one of the scenario's regions (${ctx.regions.join(", ")}), got "${region}"`,
    );
  }
}

function resolveTokenDist(d: RawTokenDist, path: FieldPath, ctx: WorkloadContext): TokenDist {
  switch (d.dist) {
    case "constant":
      return { dist: "constant", value: d.value, max: d.max ?? null };
    case "exponential":
      return { dist: "exponential", mean: d.mean, max: d.max ?? null };
    case "lognormal":
      if (d.p90 <= d.median)
        ctx.problems.add([...path, "p90"], `must be > median (${d.median}), got ${d.p90}`);
      else if (d.p90 > d.median * LIMITS.lognormalSpread)
        ctx.problems.add(
          [...path, "p90"],
          `must be at most ${LIMITS.lognormalSpread} x median (${d.median * LIMITS.lognormalSpread}), got ${d.p90}`,
        );
      return { dist: "lognormal", median: d.median, p90: d.p90, max: d.max ?? null };
    case "uniform":
      if (d.max < d.min) ctx.problems.add([...path, "max"], `must be >= min (${d.min}), got ${d.max}`);
      return { dist: "uniform", min: d.min, max: d.max };
    case "empirical":
      return {
        dist: "empirical",
        file: existingFile(d.file, [...path, "file"], ctx),
        column: d.column,
        max: d.max ?? null,
      };
  }
}

function resolveArrival(a: RawArrival, path: FieldPath, ctx: WorkloadContext): ArrivalSpec {
  if (a.process === "trace") return { process: "trace", trace: resolveTrace(a, path, ctx) };
  const diurnal = a.diurnal
    ? { peakToTrough: a.diurnal.peak_to_trough, peakHourUtc: a.diurnal.peak_hour_utc }
    : null;
  // Compound growth over a long horizon can take any rate past every bound: cap where it ends up.
  const grown = a.rate_per_s * (1 + a.growth_per_month) ** (ctx.horizon / SECONDS_PER_MONTH);
  if (a.growth_per_month > 0 && !(grown <= LIMITS.ratePerS)) {
    ctx.problems.add(
      [...path, "growth_per_month"],
      `takes rate_per_s ${a.rate_per_s} to ${grown.toPrecision(3)} per second by the end of the horizon, above the limit of ${LIMITS.ratePerS}, got ${a.growth_per_month}`,
    );
  }
  if (a.process === "mmpp") {
    return {
      process: "mmpp",
      ratePerS: a.rate_per_s,
      onMean: a.on_mean,
      offMean: a.off_mean,
      diurnal,
      growthPerMonth: a.growth_per_month,
    };
  }
  return { process: a.process, ratePerS: a.rate_per_s, diurnal, growthPerMonth: a.growth_per_month };
}

const SECONDS_PER_MONTH = 30 * 86_400;

/** Column defaults fit the Azure LLM inference traces (CSV) and the Mooncake traces (JSONL). */
const TRACE_DEFAULTS = {
  csv: { timestamp: "TIMESTAMP", prompt: "ContextTokens", output: "GeneratedTokens", unit: "datetime" },
  jsonl: { timestamp: "timestamp", prompt: "input_length", output: "output_length", unit: "ms" },
} as const;

function resolveTrace(
  a: Extract<RawArrival, { process: "trace" }>,
  path: FieldPath,
  ctx: WorkloadContext,
): TraceOptions {
  const format = a.format ?? (extname(a.file).toLowerCase() === ".jsonl" ? "jsonl" : "csv");
  const d = TRACE_DEFAULTS[format];
  if (format === "csv" && a.prefix_column !== undefined) {
    ctx.problems.add([...path, "prefix_column"], "is read from JSON Lines traces only (format: jsonl)");
  }
  return {
    file: existingFile(a.file, [...path, "file"], ctx),
    format,
    timestampColumn: a.timestamp_column ?? d.timestamp,
    promptColumn: a.prompt_column ?? d.prompt,
    outputColumn: a.output_column ?? d.output,
    timestampUnit: a.timestamp_unit ?? d.unit,
    timeScale: a.time_scale,
    loop: a.loop,
    offset: a.offset,
    prefixColumn: format === "jsonl" ? (a.prefix_column ?? "hash_ids") : null,
    prefixBlockTokens: a.prefix_block_tokens,
  };
}

/** Absolute path of a file named relative to the scenario; a problem when it is not a file. */
function existingFile(name: string, path: FieldPath, ctx: WorkloadContext): string {
  const abs = resolve(ctx.dir, name);
  let found: "file" | "other" | "none" = "none";
  try {
    found = statSync(abs).isFile() ? "file" : "other";
  } catch {
    found = "none";
  }
  if (found === "none") ctx.problems.add(path, `file not found: "${name}" (looked for ${abs})`);
  // A folder, FIFO or device (/dev/zero) would block or never end: refused before reading.
  if (found === "other") ctx.problems.add(path, `is not a regular file: "${name}" (${abs})`);
  return abs;
}
