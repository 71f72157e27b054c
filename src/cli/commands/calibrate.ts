/**
 * `fleetsim calibrate MEASUREMENTS --profile ID --model ID`: fits the profile's compute and memory
 * efficiencies and per-step overhead to one server's measured requests (a CSV of arrival_s,
 * prompt_tokens, output_tokens, ttft_s, e2e_s, or vLLM's serving-benchmark JSON), prints the error before and after, and with --out
 * writes the profile with the fitted figures as a new profile file.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parse } from "csv-parse/sync";
import { parseDocument } from "yaml";
import { type CalibrationResult, calibrateProfile, type MeasuredRequest } from "../../api/calibrate.js";
import { InputError, type InputProblem } from "../../errors.js";
import { blocksFor, DEFAULT_GPU_MEMORY_UTILIZATION } from "../../fleet/kv-blocks.js";
import { BYTES_PER_MEMORY_GB } from "../../fleet/memory.js";
import { type ServingOptions, servingSetup } from "../../fleet/step-setup.js";
import { loadCatalog, loadProfiles, shippedProfileDir } from "../../scenario/profiles.js";
import { LIMITS } from "../../scenario/schema/limits.js";
import { stepServingSchema } from "../../scenario/schema/step-serving.js";
import type { HardwareProfile, ModelSpec } from "../../scenario/types.js";
import { isJsonMeasurement, readVllmBenchJson } from "./vllm-bench-json.js";

export interface CalibrateArgs {
  measurements: string;
  profile: string;
  model: string;
  profiles: string[];
  tensor?: number;
  maxNumBatchedTokens?: number;
  maxNumSeqs?: number;
  blockSize?: number;
  gpuMemoryUtilization?: number;
  /** The server ran the model in FP8 (weights and KV cache), as vLLM's --quantization fp8 --kv-cache-dtype fp8. */
  fp8?: boolean;
  /** vLLM's --kv-cache-dtype: auto (the model's activation dtype, BF16: 2 bytes) or fp8 (1 byte); overrides --fp8's KV part. */
  kvCacheDtype?: "auto" | "fp8";
  longPrefillTokenThreshold?: number;
  preemption?: "recompute" | "swap";
  /** vLLM's --swap-space, GiB per accelerator (with --preemption swap). */
  swapSpace?: number;
  id?: string;
  out?: string;
  /** Seed of the arrivals drawn for a vLLM benchmark JSON without start_times (default 1). */
  seed?: number;
}

const COLUMNS = ["arrival_s", "prompt_tokens", "output_tokens", "ttft_s", "e2e_s"] as const;

/**
 * Reads the measurements: vLLM's serving-benchmark JSON (by extension .json or a leading `{`) or
 * the CSV; every bad cell is reported with its line and column (JSON: its field and index).
 */
export function readMeasurements(
  file: string,
  seed = 1,
): { requests: MeasuredRequest[]; arrivalNote: string | null } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError({ file, message: `cannot read the measurements: ${(e as Error).message}` });
  }
  if (isJsonMeasurement(file, text)) return readVllmBenchJson(file, text, seed);
  return { requests: readCsvMeasurements(file, text), arrivalNote: null };
}

function readCsvMeasurements(file: string, text: string): MeasuredRequest[] {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (e) {
    throw new InputError({ file, message: `not a CSV file: ${(e as Error).message}` });
  }
  const header = rows[0] ?? [];
  const at = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.filter((_, k) => at[k]! < 0);
  if (missing.length > 0) {
    throw new InputError({
      file,
      line: 1,
      message: `missing column(s) ${missing.join(", ")} (needs ${COLUMNS.join(", ")})`,
    });
  }
  const problems: InputProblem[] = [];
  const out: MeasuredRequest[] = [];
  rows.slice(1).forEach((row, k) => {
    const line = k + 2;
    const v = COLUMNS.map((c, j) => {
      const cell = row[at[j]!] ?? "";
      const x = Number(cell);
      const integer = c === "prompt_tokens" || c === "output_tokens";
      const ok =
        cell !== "" &&
        Number.isFinite(x) &&
        // times at most fleetsim's longest duration (100 years): beyond it float seconds lose the milliseconds
        (integer
          ? Number.isInteger(x) && x >= 1 && x <= LIMITS.tokens
          : (c === "arrival_s" ? x >= 0 : x > 0) && x <= LIMITS.durationS);
      if (!ok) {
        const want = integer
          ? `a whole number from 1 to ${LIMITS.tokens}`
          : c === "arrival_s"
            ? "a number >= 0 and at most 100 years (seconds)"
            : "a number > 0 and at most 100 years (seconds)";
        problems.push({ file, line, path: c, message: `must be ${want}, got ${JSON.stringify(cell)}` });
      }
      return x;
    });
    const [arrivalS, promptTokens, outputTokens, ttftS, e2eS] = v as [number, number, number, number, number];
    if (ttftS > e2eS)
      problems.push({ file, line, path: "ttft_s", message: `is after e2e_s (${ttftS} > ${e2eS})` });
    out.push({ arrivalS, promptTokens, outputTokens, ttftS, e2eS });
  });
  if (problems.length > 0) throw new InputError(problems.slice(0, 20));
  if (out.length < 3)
    throw new InputError({ file, message: `needs at least 3 measured requests, has ${out.length}` });
  return out.sort((a, b) => a.arrivalS - b.arrivalS);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function report(r: CalibrationResult, n: number): string {
  const f = (x: CalibrationResult["before"]) =>
    `compute ${x.computeEfficiency.toFixed(3)}, memory ${x.memoryEfficiency.toFixed(3)}, step overhead ${x.stepOverheadMs.toFixed(2)} ms`;
  const e = (x: CalibrationResult["errorBefore"]) =>
    `TTFT ${pct(x.ttftMeanAbs)} per request (mean ${x.ttftOfMean >= 0 ? "+" : ""}${pct(x.ttftOfMean)}), end-to-end ${pct(x.e2eMeanAbs)} per request (mean ${x.e2eOfMean >= 0 ? "+" : ""}${pct(x.e2eOfMean)})`;
  return [
    `calibrated on ${n} measured requests (${r.iterations} iterations, ${r.evaluations} replays)`,
    `  before  ${f(r.before)}`,
    `          error: ${e(r.errorBefore)}`,
    `  after   ${f(r.after)}`,
    `          error: ${e(r.errorAfter)}`,
    "",
  ].join("\n");
}

export function calibrateCommand(a: CalibrateArgs): void {
  const dir = shippedProfileDir();
  const profiles = loadProfiles([dir, ...a.profiles]);
  const profile = profiles.find((p) => p.id === a.profile);
  if (!profile) {
    throw new InputError({
      file: "command line",
      path: "--profile",
      message: `no profile "${a.profile}" (known: ${profiles.map((p) => p.id).join(", ")})`,
    });
  }
  const models = loadCatalog(join(dir, "models.yaml"));
  const catalogModel = models.find((m) => m.id === a.model);
  const model =
    catalogModel && a.fp8 && catalogModel.bytesPerParam > 1
      ? {
          ...catalogModel,
          bytesPerParam: 1,
          kvBytesPerToken: catalogModel.kvBytesPerToken / catalogModel.bytesPerParam,
        }
      : catalogModel;
  if (!model) {
    throw new InputError({
      file: "command line",
      path: "--model",
      message: `no model "${a.model}" in the catalog (known: ${models.map((m) => m.id).join(", ")})`,
    });
  }
  if (a.out !== undefined && existsSync(a.out)) {
    throw new InputError({
      file: "command line",
      path: "--out",
      message: `${a.out} exists: calibrate writes a new profile file and never replaces one`,
    });
  }
  const opts = servingOptionsOf(a, profile.acceleratorsPerNode);
  const { requests: measured, arrivalNote } = readMeasurements(a.measurements, a.seed);
  if (arrivalNote !== null) process.stdout.write(`${basename(a.measurements)}: ${arrivalNote}\n`);
  checkServerHolds(profile, model, opts, measured);
  const r = calibrateProfile(measured, profile, model, opts);
  process.stdout.write(report(r, measured.length));
  if (a.out === undefined) {
    process.stdout.write("(--out FILE writes the profile with the fitted figures)\n");
    return;
  }
  const doc = parseDocument(readFileSync(profile.file, "utf8"));
  const id = a.id ?? `${profile.id}-calibrated`;
  doc.set("id", id);
  doc.setIn(["efficiency", "compute"], round(r.after.computeEfficiency));
  doc.setIn(["efficiency", "memory"], round(r.after.memoryEfficiency));
  doc.set("step_overhead_ms", round(r.after.stepOverheadMs));
  const note = `fitted by fleetsim calibrate to ${basename(a.measurements)} (${measured.length} requests, ${model.id}): end-to-end error ${pct(r.errorBefore.e2eMeanAbs)} -> ${pct(r.errorAfter.e2eMeanAbs)} per request`;
  doc.setIn(["figure_sources", "efficiency"], note);
  doc.setIn(["figure_sources", "step_overhead_ms"], note);
  // whole or not at all: a temporary file beside the target, renamed into place
  const tmp = join(dirname(a.out), `.${basename(a.out)}.tmp-${process.pid}`);
  try {
    const fd = openSync(tmp, "wx");
    try {
      writeSync(fd, doc.toString());
    } finally {
      closeSync(fd);
    }
    if (existsSync(a.out))
      throw new InputError({
        file: "command line",
        path: "--out",
        message: `${a.out} appeared while calibrating: not replaced`,
      });
    renameSync(tmp, a.out);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
  process.stdout.write(`wrote ${a.out} (profile ${id})\n`);
}

/**
 * The server as configured must have been able to hold the longest measured request in its KV
 * cache (weights that do not fit leave none): otherwise the replay could never serve it, and the
 * flags do not describe the server that made the measurement.
 */
export function checkServerHolds(
  profile: HardwareProfile,
  model: ModelSpec,
  opts: ServingOptions,
  measured: readonly MeasuredRequest[],
): void {
  const setup = servingSetup(profile, model, opts);
  let longest = measured[0]!;
  for (const q of measured) {
    if (q.promptTokens + q.outputTokens > longest.promptTokens + longest.outputTokens) longest = q;
  }
  const need = blocksFor(longest.promptTokens + longest.outputTokens, setup.blockSize);
  if (setup.kvBlocks >= need) return;
  const devices = setup.parallel.tensor * setup.parallel.pipeline;
  throw new InputError({
    file: "command line",
    message: `${model.id} on ${profile.id} (${devices} accelerator${devices === 1 ? "" : "s"}, gpu memory utilization ${opts.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION}) leaves ${setup.kvBlocks} KV blocks of ${setup.blockSize} tokens after its weights and activations; the longest measured request (${longest.promptTokens} prompt + ${longest.outputTokens} output tokens) needs ${need}. Give the server's --tensor, --gpu-memory-utilization, --fp8 or --kv-cache-dtype as it ran`,
  });
}

/** A flag's name for a field of the scheduler section (the scenario's name, dashed; vLLM's --swap-space). */
function flagOf(field: string): string {
  return field === "swap_space_gb" ? "--swap-space" : `--${field.replaceAll("_", "-")}`;
}

/**
 * The server's configuration from the flags, checked by the rules of the scenario's scheduler
 * section (src/scenario/schema/step-serving.ts): a bad flag is an input error naming it.
 */
export function servingOptionsOf(a: CalibrateArgs, acceleratorsPerNode: number): ServingOptions {
  const problems: InputProblem[] = [];
  const t = a.tensor;
  if (t !== undefined && !(Number.isInteger(t) && t >= 1 && t <= acceleratorsPerNode)) {
    problems.push({
      file: "command line",
      path: "--tensor",
      message: `must be a whole number from 1 to the profile's ${acceleratorsPerNode} accelerators per node, got ${t}`,
    });
  }
  const given: Record<string, unknown> = {
    max_num_batched_tokens: a.maxNumBatchedTokens,
    max_num_seqs: a.maxNumSeqs,
    block_size: a.blockSize,
    gpu_memory_utilization: a.gpuMemoryUtilization,
    preemption: a.preemption,
    swap_space_gb: a.swapSpace,
    long_prefill_token_threshold: a.longPrefillTokenThreshold,
  };
  const parsed = stepServingSchema.safeParse(given);
  if (!parsed.success) {
    // the schema's messages name fields as a scenario writes them; here they are flags
    const asFlags = (m: string) =>
      Object.keys(given).reduce(
        (t, f) => t.replaceAll(f, flagOf(f)),
        m.replaceAll("preemption: swap", "preemption swap"),
      );
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "");
      const got = issue.code === "custom" ? "" : `, got ${String(given[field])}`;
      problems.push({
        file: "command line",
        path: flagOf(field),
        message: `${asFlags(issue.message)}${got}`,
      });
    }
  }
  if (problems.length > 0 || !parsed.success) throw new InputError(problems);
  const v = parsed.data;
  return {
    tensor: t,
    maxNumBatchedTokens: v.max_num_batched_tokens,
    maxNumSeqs: v.max_num_seqs,
    blockSize: v.block_size,
    gpuMemoryUtilization: v.gpu_memory_utilization,
    preemption: v.preemption,
    swapSpaceBytes: v.swap_space_gb === undefined ? undefined : v.swap_space_gb * BYTES_PER_MEMORY_GB,
    longPrefillTokenThreshold: v.long_prefill_token_threshold,
    kvBytesPerValue: a.kvCacheDtype === undefined ? undefined : a.kvCacheDtype === "fp8" ? 1 : 2,
  };
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
