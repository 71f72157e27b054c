/**
 * MLPerf Inference checks run through the reference step replica (docs/service-model.md
 * "MLPerf checks"): the submissions' system shapes, public workload statistics, and the two
 * scenarios, Offline (every request at t = 0, output tokens per second) and Server (the highest
 * Poisson rate whose TTFT p99 and TPOT p99 meet the limits).
 */
import { deriveStream, type RandomStream } from "../../src/engine/random.js";
import {
  type ReferenceReplicaConfig,
  type ReferenceRequest,
  runReferenceReplica,
} from "../../src/fleet/reference-step-replica.js";
import { type ServingOptions, servingSetup } from "../../src/fleet/step-setup.js";
import type { HardwareProfile, ModelSpec } from "../../src/scenario/types.js";
import { model, profile } from "../fleet/helpers.js";

export interface TokenShape {
  /** Mean prompt tokens. */
  inputMean: number;
  inputMax: number;
  /** Mean generated tokens. */
  outputMean: number;
  outputMax: number;
  /** Log-normal sigma of both lengths (ESTIMATE: only the means are sourced). */
  sigma: number;
  /** Log-normal sigma of the outputs when it differs from `sigma` (0: every output the mean). */
  outputSigma?: number;
}

export interface MlperfCase {
  name: string;
  profile: HardwareProfile;
  model: ModelSpec;
  /** Replicas (engines) per 8-GPU node or per system, as the submission ran them. */
  replicas: number;
  /**
   * Samples per replica of the submission's Offline query: LoadGen issues samples_per_query =
   * 1.1 x target_qps x min_duration samples at once (mlperf_log_summary.txt), the data set
   * repeated, so that the run lasts min_duration; the last requests' drain is a small part of it.
   */
  offlineSamplesPerReplica: number;
  offline: ServingOptions;
  server: ServingOptions;
  /** The submission's Server min_duration, seconds (how long its Poisson stream ran at least). */
  serverDurationS: number;
  shape: TokenShape;
  published: { offline: number; server: number };
  limits: { ttftP99S: number; tpotP99S: number };
}

/** Workload shape of MLPerf's Llama-2-70B task (processed OpenOrca, 24,576 samples). */
export const OPENORCA: TokenShape = {
  // ESTIMATE: mean prompt about 200 tokens (docs/service-model.md: the MLPerf OpenOrca set on
  // Hugging Face, ctuning/MLPerf-OpenOrca, 24,576 rows in 41,708,098 bytes, less the responses;
  // 294.45 in MLPerf's README is the mean OUTPUT of the reference run). Prompts < 1,024 tokens
  // (processorca.py seqlen_limit 1024)
  inputMean: 200,
  inputMax: 1024,
  // [S20] accuracy.txt of NVIDIA's v4.1 H100 result: 290.3 generated tokens per sample
  outputMean: 290.3,
  outputMax: 1024,
  sigma: 0.7,
};

/** Workload shape of MLPerf v5.1's Llama-3.1-8B task (CNN/DailyMail summarisation). */
export const CNN_DAILYMAIL: TokenShape = {
  // ESTIMATE: CNN/DailyMail articles average 781 word tokens (See et al. 2017, "Get To The Point",
  // Table/section 4) x about 1.2 Llama-3 tokens per word, plus the instruction: about 960 tokens
  inputMean: 960,
  inputMax: 2048,
  // Red Hat's v5.1 H100 results (mlperf_log_summary.txt): Offline 5,777.08 tokens/s at 45.1334
  // samples/s and Server 5,103.99 tokens/s at 39.56 samples/s, i.e. 128.0 and 129.0 tokens per
  // sample: every summary runs to the harness's max_tokens = 128 (SUT_VLLM_SingleReplica.py).
  // (The reference summaries' 56 words would be about 70 tokens: Llama 3.1 Instruct writes more.)
  outputMean: 128,
  outputMax: 128,
  sigma: 0.5,
  outputSigma: 0,
};

/** TensorRT-LLM engines' max_num_tokens in NVIDIA's v4.1 Llama-2-70B configs (see the cases). */
const TRTLLM_MAX_NUM_TOKENS = 4096;

const fp8 = (m: ModelSpec): ModelSpec => ({ ...m, bytesPerParam: 1, kvBytesPerToken: m.kvBytesPerToken / 2 });

export function mlperfCases(): MlperfCase[] {
  const llama70 = model("llama-2-70b"); // FP8 weights and KV cache already in the catalog
  const llama8 = fp8(model("llama-3.1-8b")); // Red Hat's v5.1 run: FP8 (docs/service-model.md)
  const limits70 = { ttftP99S: 2, tpotP99S: 0.2 };
  return [
    {
      name: "Llama-2-70B 8 x H100 (v4.1)",
      profile: profile("nd-h100-v5"),
      model: llama70,
      // NVIDIA v4.1 Offline config H100_SXM_80GB_TP2x4: 4 engines of TP 2, batch 896 each
      replicas: 4,
      // samples_per_query 200,640 ([S20] mlperf_log_summary.txt: 1.1 x 76 x 2,400 s)
      offlineSamplesPerReplica: 200640 / 4,
      // max_num_tokens = 4096: NVIDIA v4.1 configs/llama2-70b/__init__.py (GPUBaseConfig), passed
      // to the engine build (code/llama2-70b/tensorrt/builder.py --max_num_tokens)
      offline: { tensor: 2, maxNumSeqs: 896, maxNumBatchedTokens: TRTLLM_MAX_NUM_TOKENS },
      // NVIDIA v4.1 Server config H100_SXM_80GB_TP2x4 (configs/llama2-70b/Server/__init__.py):
      // the same 4 engines of TP 2 with batch 1024, min_duration 2,400,000 ms
      server: { tensor: 2, maxNumSeqs: 1024, maxNumBatchedTokens: TRTLLM_MAX_NUM_TOKENS },
      serverDurationS: 2400,
      shape: OPENORCA,
      published: { offline: 24525, server: 21606 },
      limits: limits70,
    },
    {
      name: "Llama-2-70B 8 x H200 (v4.1)",
      profile: profile("nd-h200-v5"),
      model: llama70,
      // NVIDIA v4.1 Offline config H200_SXM_141GBx8: 8 engines of TP 1, batch 806 each
      replicas: 8,
      // samples_per_query 274,560 ([S21] mlperf_log_summary.txt: 1.1 x 104 x 2,400 s)
      offlineSamplesPerReplica: 274560 / 8,
      offline: { tensor: 1, maxNumSeqs: 806, maxNumBatchedTokens: TRTLLM_MAX_NUM_TOKENS },
      // NVIDIA v4.1 Server config H200_SXM_141GBx8: 8 engines of TP 1 with batch 896, 2,400 s
      server: { tensor: 1, maxNumSeqs: 896, maxNumBatchedTokens: TRTLLM_MAX_NUM_TOKENS },
      serverDurationS: 2400,
      shape: OPENORCA,
      published: { offline: 31303, server: 29228 },
      limits: limits70,
    },
    {
      name: "Llama-3.1-8B 1 x H100, vLLM (v5.1)",
      profile: profile("nd-h100-v5"),
      model: llama8,
      replicas: 1,
      // samples_per_query 28,802 (Red Hat's mlperf_log_summary.txt: 1.1 x 43.64 x 600 s)
      offlineSamplesPerReplica: 28802,
      // Red Hat's submission (mlcommons/inference_results_v5.1 closed/RedHat/code/llama3.1-8b/
      // README.md, "optimized configuration used during final submission", H100), FP8 weights
      // (measurements/XE8640_4xH100_vLLM/llama3.1-8b/*/XE8640_4xH100_vLLM.json):
      // Offline through vLLM's LLM class: --max-num-seqs 1024 --kv-cache-dtype fp8
      // --max-num-batched-tokens 4096 (gpu_memory_utilization: vLLM's default 0.9)
      offline: { tensor: 1, maxNumSeqs: 1024, maxNumBatchedTokens: 4096 },
      // Server through `vllm serve`: --block-size 16 --gpu-memory-utilization 0.91
      // --max-num-batched-tokens 1024 --max-num-seqs 512 --long-prefill-token-threshold 256, and
      // no --kv-cache-dtype (its kv_cache_dtype argument is `auto`): the KV cache is in the model's
      // activation dtype, BF16, 2 bytes per value
      server: {
        tensor: 1,
        maxNumSeqs: 512,
        maxNumBatchedTokens: 1024,
        blockSize: 16,
        gpuMemoryUtilization: 0.91,
        longPrefillTokenThreshold: 256,
        kvBytesPerValue: 2,
      },
      // Red Hat's Server run: min_duration 600,000 ms (mlperf_log_summary.txt)
      serverDurationS: 600,
      shape: CNN_DAILYMAIL,
      published: { offline: 5777, server: 5103 },
      // MLPerf v5.1 Llama-3.1-8B Server limits: TTFT p99 2 s, TPOT p99 100 ms
      limits: { ttftP99S: 2, tpotP99S: 0.1 },
    },
  ];
}

function logNormalInt(rng: RandomStream, mean: number, sigma: number, max: number): number {
  // Box-Muller normal, then a log-normal with the given mean
  const u = 1 - rng.next();
  const v = rng.next();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  const x = Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * z);
  return Math.max(1, Math.min(max, Math.round(x)));
}

/** `n` requests with the case's token shape, arriving at t = 0 (rate 0) or as a Poisson process. */
export function mlperfRequests(shape: TokenShape, n: number, rate: number, seed: number): ReferenceRequest[] {
  const tokens = deriveStream(seed, "tokens");
  const arrivals = deriveStream(seed, "arrivals");
  const out: ReferenceRequest[] = [];
  let t = 0;
  for (let id = 0; id < n; id++) {
    if (rate > 0) t += -Math.log(1 - arrivals.next()) / rate;
    out.push({
      id,
      arrival: t,
      promptTokens: logNormalInt(tokens, shape.inputMean, shape.sigma, shape.inputMax),
      outputTokens: logNormalInt(tokens, shape.outputMean, shape.outputSigma ?? shape.sigma, shape.outputMax),
    });
  }
  return out;
}

function config(c: MlperfCase, opts: ServingOptions): ReferenceReplicaConfig {
  return servingSetup(c.profile, c.model, opts);
}

/** Offline: output tokens/s of the whole system (replicas x one replica's run of `n` requests at t = 0). */
export function offlineTokensPerS(c: MlperfCase, n: number, seed = 1): number {
  const reqs = mlperfRequests(c.shape, n, 0, seed);
  const run = runReferenceReplica(reqs, config(c, c.offline));
  return (c.replicas * run.tokensProduced) / run.endTime;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
}

export interface ServerPoint {
  ratePerReplica: number;
  ttftP99: number;
  tpotP99: number;
  ok: boolean;
}

/**
 * One Server run at `ratePerReplica` requests/s over `durationS` seconds of arrivals (MLPerf's
 * LoadGen runs a Server test for at least 600 s: long enough for an overloaded replica's batch to
 * fill and its queue to grow, which a short run would hide).
 */
export function serverPoint(c: MlperfCase, ratePerReplica: number, durationS: number, seed = 1): ServerPoint {
  const n = Math.max(100, Math.ceil(ratePerReplica * durationS));
  const reqs = mlperfRequests(c.shape, n, ratePerReplica, seed);
  const run = runReferenceReplica(reqs, config(c, c.server));
  const ttft = run.requests.map((r) => r.firstTokenAt - r.arrival);
  const tpot = run.requests
    .filter((r) => r.outputTokens > 1)
    .map((r) => (r.finishAt - r.firstTokenAt) / (r.outputTokens - 1));
  const ttftP99 = percentile(ttft, 0.99);
  const tpotP99 = percentile(tpot, 0.99);
  return {
    ratePerReplica,
    ttftP99,
    tpotP99,
    ok: ttftP99 <= c.limits.ttftP99S && tpotP99 <= c.limits.tpotP99S,
  };
}

/**
 * Server: the highest Poisson rate (bisection, `iterations` halvings between 0 and 1.3 x the
 * Offline request rate) meeting both p99 limits, reported as system output tokens/s = rate x mean
 * output tokens x replicas (at a sustainable rate, what is completed equals what arrives).
 */
export function serverTokensPerS(
  c: MlperfCase,
  durationS: number,
  offlineSystemTokensPerS: number,
  iterations = 10,
  seed = 1,
): { tokensPerS: number; point: ServerPoint } {
  const meanOut = meanOutputTokens(c.shape, seed);
  let lo = 0;
  let hi = (1.3 * offlineSystemTokensPerS) / c.replicas / meanOut;
  let best: ServerPoint = { ratePerReplica: 0, ttftP99: 0, tpotP99: 0, ok: true };
  for (let i = 0; i < iterations; i++) {
    const mid = (lo + hi) / 2;
    const p = serverPoint(c, mid, durationS, seed);
    if (p.ok) {
      lo = mid;
      best = p;
    } else hi = mid;
  }
  return { tokensPerS: lo * meanOut * c.replicas, point: best };
}

/** Mean generated tokens of the shape as sampled (20,000 draws). */
export function meanOutputTokens(shape: TokenShape, seed = 1): number {
  const reqs = mlperfRequests(shape, 20_000, 0, seed);
  return reqs.reduce((s, r) => s + r.outputTokens, 0) / reqs.length;
}
