/** Hardware-profile files and the model catalog: read, validated, converted to the resolved types. */
import { readdirSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { InputError, type InputProblem } from "../errors.js";
import { toArchitecture } from "./architecture.js";
import { builtCatalog, builtProfile } from "./parsed-data.js";
import { duplicate, fileLocator, ProblemList } from "./problems.js";
import { LIMITS } from "./schema/limits.js";
import { catalogSchema } from "./schema/model.js";
import { profileSchema, type RawProfile } from "./schema/profile.js";
import type { HardwareProfile, MeasuredPerformance, ModelSpec, StepTable } from "./types.js";
import { validate } from "./validate.js";
import { parseYamlText, readYamlBytes } from "./yaml-source.js";

export { packageRoot, shippedCatalogFile, shippedProfileDir } from "./package-root.js";

const CATALOG_NAMES = new Set(["models.yaml", "models.yml"]);

/**
 * Every profile under the given paths: a folder contributes each of its *.yaml / *.yml files
 * (models.yaml, the catalog, excepted), a file contributes itself. The same file reached twice is
 * read once; the same id in two files is an error naming both. Problems of all files are reported.
 */
export function loadProfiles(paths: string[]): HardwareProfile[] {
  const files = profileFiles(paths);
  const problems: InputProblem[] = [];
  const byId = new Map<string, HardwareProfile>();
  for (const file of files) {
    try {
      const profile = loadProfile(file);
      const first = byId.get(profile.id);
      if (first) {
        problems.push({
          file,
          path: "id",
          message: `duplicate profile id "${profile.id}" (also in ${first.file})`,
        });
      } else byId.set(profile.id, profile);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return [...byId.values()];
}

function profileFiles(paths: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (file: string) => {
    const real = realpathSync(file);
    if (!seen.has(real)) {
      seen.add(real);
      out.push(file);
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new InputError({ file: p, message: "no such file or folder of hardware profiles" });
    }
    if (!isDir) {
      add(resolve(p));
      continue;
    }
    const names = readdirSync(p)
      .filter((n) => /\.ya?ml$/i.test(n) && !CATALOG_NAMES.has(n.toLowerCase()))
      .sort();
    for (const n of names) add(resolve(p, n));
  }
  return out;
}

function loadProfile(file: string): HardwareProfile {
  const bytes = readYamlBytes(file);
  const built = builtProfile(bytes);
  if (built !== undefined) return { ...built, file };
  const source = parseYamlText(file, bytes);
  const locate = fileLocator(file, source.lines);
  const raw = validate(profileSchema, source.data, locate);
  const problems = new ProblemList(locate);
  if (raw.power_w.peak < raw.power_w.idle) {
    problems.add(["power_w", "peak"], `must be >= idle (${raw.power_w.idle}), got ${raw.power_w.peak}`);
  }
  const acc = raw.power_w.accelerator;
  const n = raw.accelerators_per_node;
  if (acc !== undefined) {
    if (acc.peak < acc.idle) {
      problems.add(["power_w", "accelerator", "peak"], `must be >= idle (${acc.idle}), got ${acc.peak}`);
    }
    for (const k of ["idle", "peak"] as const) {
      if (acc[k] * n > raw.power_w[k]) {
        problems.add(
          ["power_w", "accelerator", k],
          `${n} accelerators x ${acc[k]} W is more than the node's ${k} power (${raw.power_w[k]} W), got ${acc[k]}`,
        );
      }
    }
  }
  const performance = raw.performance.map((p, i) => toPerformance(p, ["performance", i], problems));
  const firstLine = new Map<string, number | undefined>();
  raw.performance.forEach((p, i) => {
    if (firstLine.has(p.model)) {
      problems.add(["performance", i, "model"], duplicate(p.model, firstLine.get(p.model)));
    } else firstLine.set(p.model, problems.lineOf(["performance", i]));
  });
  problems.throwIfAny();
  return {
    id: raw.id,
    kind: raw.kind,
    accelerator: raw.accelerator,
    acceleratorsPerNode: raw.accelerators_per_node,
    memoryGbPerAccelerator: raw.memory_gb_per_accelerator,
    memoryBandwidthTbPerS: raw.memory_bandwidth_tb_per_s,
    peakTflops: raw.peak_tflops,
    peakTflopsBf16: raw.peak_tflops_bf16 ?? raw.peak_tflops,
    efficiency: { compute: raw.efficiency.compute, memory: raw.efficiency.memory },
    powerW: {
      idle: raw.power_w.idle,
      peak: raw.power_w.peak,
      accelerator: acc === undefined ? null : { idle: acc.idle, peak: acc.peak },
      other:
        acc === undefined
          ? null
          : { idle: raw.power_w.idle - n * acc.idle, peak: raw.power_w.peak - n * acc.peak },
    },
    capexUsd: raw.capex_usd,
    opexUsdPerHour: raw.opex_usd_per_hour,
    priceUsdPerHour: raw.price_usd_per_hour,
    sources: raw.sources,
    performance,
    ...(raw.interconnect && {
      interconnect: {
        kind: raw.interconnect.kind,
        bandwidthGbPerS: raw.interconnect.bandwidth_gb_per_s,
        latencyUs: raw.interconnect.latency_us,
      },
    }),
    ...(raw.step_overhead_ms !== undefined && { stepOverheadMs: raw.step_overhead_ms }),
    ...(raw.weight_load_gb_per_s !== undefined && { weightLoadGbPerS: raw.weight_load_gb_per_s }),
    ...(raw.host_link_gb_per_s !== undefined && { hostLinkGbPerS: raw.host_link_gb_per_s }),
    ...(raw.startup_s !== undefined && { startupS: raw.startup_s }),
    file,
  };
}

function toPerformance(
  raw: RawProfile["performance"][number],
  path: Array<string | number>,
  problems: ProblemList,
): MeasuredPerformance {
  const batchOnly = raw.prefill_tokens_per_s !== undefined || raw.decode_tokens_per_s !== undefined;
  const stepped = raw.decode_step_ms !== undefined || raw.prefill_step_ms !== undefined;
  const maxBatch = raw.max_batch !== undefined ? { maxBatch: raw.max_batch } : {};
  if (batchOnly && stepped) {
    problems.add(
      path,
      "give either a batch-only table (prefill_tokens_per_s and decode_tokens_per_s) or step tables (decode_step_ms and prefill_step_ms), not both",
    );
  } else if (stepped) {
    const steps = toStepTable(raw, path, problems);
    return { model: raw.model, steps, ...maxBatch };
  } else {
    for (const field of ["prefill_tokens_per_s", "decode_tokens_per_s"] as const) {
      if (raw[field] === undefined) {
        problems.add(
          path,
          `${field} is missing: a measured entry gives prefill_tokens_per_s and decode_tokens_per_s, or decode_step_ms and prefill_step_ms`,
        );
      }
    }
  }
  const decode = raw.decode_tokens_per_s ?? {};
  const table: Array<[number, number]> = [];
  for (const [key, tps] of Object.entries(decode)) {
    if (!/^[1-9]\d*$/.test(key)) {
      problems.add(
        [...path, "decode_tokens_per_s", key],
        `batch sizes must be positive whole numbers, got "${key}"`,
      );
    } else if (Number(key) > LIMITS.batch) {
      problems.add(
        [...path, "decode_tokens_per_s", key],
        `batch sizes must be <= ${LIMITS.batch}, got ${key}`,
      );
    } else table.push([Number(key), tps]);
  }
  if (raw.decode_tokens_per_s !== undefined && Object.keys(decode).length === 0) {
    problems.add([...path, "decode_tokens_per_s"], "must give at least one batch size");
  }
  table.sort((a, b) => a[0] - b[0]);
  return {
    model: raw.model,
    prefillTokensPerS: raw.prefill_tokens_per_s ?? 1,
    decodeTokensPerS: table,
    ...maxBatch,
  };
}

/** The step tables of an entry, each axis strictly increasing and the grid complete. */
function toStepTable(
  raw: RawProfile["performance"][number],
  path: Array<string | number>,
  problems: ProblemList,
): StepTable {
  const d = raw.decode_step_ms;
  const p = raw.prefill_step_ms;
  if (d === undefined)
    problems.add(path, "decode_step_ms is missing: step tables give decode_step_ms and prefill_step_ms");
  if (p === undefined)
    problems.add(path, "prefill_step_ms is missing: step tables give decode_step_ms and prefill_step_ms");
  const increasing = (xs: number[], field: Array<string | number>, what: string) => {
    for (let i = 1; i < xs.length; i++) {
      if (!(xs[i] > xs[i - 1])) {
        problems.add([...field, i], `${what} must be strictly increasing, got ${xs[i]} after ${xs[i - 1]}`);
        return;
      }
    }
  };
  if (d !== undefined) {
    const dp = [...path, "decode_step_ms"];
    increasing(d.batch, [...dp, "batch"], "batch sizes");
    increasing(d.context, [...dp, "context"], "context lengths");
    d.batch.forEach((b, i) => {
      if (!Number.isInteger(b))
        problems.add([...dp, "batch", i], `batch sizes must be whole numbers, got ${b}`);
    });
    if (d.ms.length !== d.batch.length) {
      problems.add(
        [...dp, "ms"],
        `must have one row per batch size (${d.batch.length}), got ${d.ms.length} rows`,
      );
    }
    d.ms.forEach((row, i) => {
      if (row.length !== d.context.length) {
        problems.add(
          [...dp, "ms", i],
          `row ${i} (batch ${d.batch[i] ?? "?"}) must have one value per context length (${d.context.length}), got ${row.length}`,
        );
      }
    });
  }
  if (p !== undefined) {
    const pp = [...path, "prefill_step_ms"];
    increasing(p.tokens, [...pp, "tokens"], "chunk sizes");
    if (p.ms.length !== p.tokens.length) {
      problems.add(
        [...pp, "ms"],
        `must have one value per chunk size (${p.tokens.length}), got ${p.ms.length}`,
      );
    }
  }
  return {
    decode:
      d === undefined ? { batch: [], context: [], ms: [] } : { batch: d.batch, context: d.context, ms: d.ms },
    prefill: p === undefined ? { tokens: [], ms: [] } : { tokens: p.tokens, ms: p.ms },
  };
}

/** The model catalog (top-level `models:` list), every figure filled. */
export function loadCatalog(file: string): ModelSpec[] {
  const bytes = readYamlBytes(file);
  const built = builtCatalog(bytes);
  if (built !== undefined) return built;
  const source = parseYamlText(file, bytes);
  const locate = fileLocator(file, source.lines);
  const raw = validate(catalogSchema, source.data, locate);
  const problems = new ProblemList(locate);
  const firstLine = new Map<string, number | undefined>();
  const models: ModelSpec[] = [];
  raw.models.forEach((m, i) => {
    if (firstLine.has(m.id)) {
      problems.add(["models", i, "id"], duplicate(m.id, firstLine.get(m.id)));
      return;
    }
    firstLine.set(m.id, problems.lineOf(["models", i]));
    const activeParamsB = m.active_params_b ?? m.params_b;
    if (activeParamsB > m.params_b) {
      problems.add(
        ["models", i, "active_params_b"],
        `must be <= params_b (${m.params_b}), got ${activeParamsB}`,
      );
    }
    models.push({
      id: m.id,
      owner: m.owner,
      paramsB: m.params_b,
      activeParamsB,
      bytesPerParam: m.bytes_per_param,
      kvBytesPerToken: m.kv_bytes_per_token,
      acceleratorsPerReplica: m.accelerators_per_replica,
      price: {
        inputUsdPerMtok: m.price.input_usd_per_mtok,
        outputUsdPerMtok: m.price.output_usd_per_mtok,
        ...(m.price.cached_input_usd_per_mtok !== undefined && {
          cachedInputUsdPerMtok: m.price.cached_input_usd_per_mtok,
        }),
      },
      ownerRevenueShare: m.owner_revenue_share ?? 0,
      ...(m.context_tokens !== undefined && { contextTokens: m.context_tokens }),
      ...(m.architecture && { architecture: toArchitecture(m.architecture) }),
    });
  });
  problems.throwIfAny();
  return models;
}
