/**
 * Time of one serving step (one forward pass of a replica) from its composition: the prompt
 * tokens it prefills (with the positions they sit at), the decodes it runs (with the contexts they
 * read), the weights read once, and a fixed per-step overhead (docs/service-model.md "Step model").
 *
 *   time = overhead + linear + attention + communication
 *   linear    = max(GEMM FLOPs / achievable FLOP/s, weight bytes read / achievable bandwidth)
 *   attention = max(attention FLOPs / achievable FLOP/s, KV bytes read and written / achievable bandwidth)
 *
 * The linear layers (GEMMs) and the attention kernels run one after the other on the device, so
 * each is its own roofline and their times add: the KV reads of a decode batch cannot hide under
 * the GEMMs' compute. Compute and memory terms are kept apart, each with its efficiency.
 *
 * Tensor parallel degree t divides FLOPs and bytes over t devices (KV heads are replicated when
 * there are fewer than t) and adds two all-reduces per layer of tokens x hidden x activation bytes.
 * Pipeline parallel degree p splits the layers (and the memory) over p stages; one batch still
 * passes through every stage in turn, so a step is not faster, and it adds p - 1 sends between
 * stages (micro-batch interleaving, vLLM's virtual engines, is not modelled: conservative).
 * Expert parallel (MoE, over the tensor-parallel devices): the MLP's all-reduce is replaced by two
 * all-to-alls (dispatch and combine) of tokens x experts_active x hidden x activation bytes.
 *
 * This module is pure and allocation-free on its hot paths so that the fast production replica can
 * call it per step or per coalesced run of steps (`decodeRunSeconds`).
 */
import {
  attentionFlopsPerToken,
  kvBytesPerToken as kvBytesPerTokenOf,
  layerMatmulParamsPerToken,
  lmHeadParams,
  type ModelArchitecture,
  paramsReadPerStep,
} from "./architecture.js";
import { allToAllSeconds, type Interconnect, p2pSeconds, ringAllReduceSeconds } from "./parallelism.js";

/** One accelerator as the step model sees it. */
export interface StepDevice {
  /** Dense peak FLOP/s of the GEMMs at the weights' precision. */
  peakFlops: number;
  /** Dense peak FLOP/s of the attention math (BF16 activations; default: peakFlops). */
  attentionPeakFlops?: number;
  /** Peak memory bandwidth, bytes/s. */
  bandwidthBytesPerS: number;
  /** Memory, bytes. */
  memoryBytes: number;
  /** Achievable fraction of peakFlops (GEMMs and attention math). */
  computeEfficiency: number;
  /** Achievable fraction of bandwidthBytesPerS (weight and KV streaming). */
  memoryEfficiency: number;
  /** Fixed time of every step, seconds (scheduler, input preparation, sampling, launch). */
  stepOverheadS: number;
  interconnect: Interconnect;
}

export interface ParallelismSpec {
  tensor: number;
  pipeline: number;
  /** Expert-parallel degree for MoE layers (1: experts split by tensor parallelism). */
  expert: number;
}

/** What the step model needs of a model: its architecture, or (closed models) its sizes only. */
export interface StepModelSpec {
  /**
   * The public architecture. Without it (`paramsOnly`), a step reads all the weights, computes
   * 2 x active parameters FLOPs per token, reads and writes the KV cache, and has NO attention-FLOP
   * or collective term: the legacy roofline's assumptions (docs/service-model.md).
   */
  architecture?: ModelArchitecture;
  paramsOnly?: { totalParams: number; activeParams: number; kvBytesPerToken: number };
  /** Bytes per weight (2 bf16, 1 fp8). */
  bytesPerParam: number;
  /** Bytes per cached K or V value (usually = bytesPerParam; FP8 KV cache: 1). */
  kvBytesPerValue: number;
  /** Bytes per activation value sent in collectives (bf16: 2). */
  activationBytes: number;
}

/** A step's composition, as sums (build with `emptyComposition`, `addPrefillChunk`, `addDecode`). */
export interface StepComposition {
  /** Prompt tokens computed in this step. */
  prefillTokens: number;
  /** Sum over those tokens of the context each attends to (its position + 1). */
  prefillAttendSum: number;
  /** Sum over prefill chunks of the tokens already cached before the chunk (read once per chunk). */
  prefillCachedRead: number;
  /** Prefill chunks that complete their prompt (they sample a token: need the LM head). */
  prefillSampled: number;
  /** Decoding requests in this step (one token each). */
  decodes: number;
  /** Sum over the decodes of the tokens already in their KV cache (each attends to that + 1). */
  decodeCachedSum: number;
}

export function emptyComposition(): StepComposition {
  return {
    prefillTokens: 0,
    prefillAttendSum: 0,
    prefillCachedRead: 0,
    prefillSampled: 0,
    decodes: 0,
    decodeCachedSum: 0,
  };
}

/** Empties the composition's prompt chunks (its decodes are left as they are). */
export function clearPrefill(c: StepComposition): void {
  c.prefillTokens = 0;
  c.prefillAttendSum = 0;
  c.prefillCachedRead = 0;
  c.prefillSampled = 0;
}

/** Adds a prompt chunk of `length` tokens starting after `cached` tokens already in the cache. */
export function addPrefillChunk(
  c: StepComposition,
  cached: number,
  length: number,
  completes: boolean,
): void {
  if (length <= 0) return;
  c.prefillTokens += length;
  // positions cached .. cached + length - 1 attend to position + 1 tokens
  c.prefillAttendSum += length * cached + (length * (length + 1)) / 2;
  c.prefillCachedRead += cached;
  if (completes) c.prefillSampled += 1;
}

/** Adds a decode whose KV cache holds `cached` tokens. */
export function addDecode(c: StepComposition, cached: number): void {
  c.decodes += 1;
  c.decodeCachedSum += cached;
}

export interface StepBreakdown {
  overhead: number;
  linearCompute: number;
  linearMemory: number;
  attentionCompute: number;
  attentionMemory: number;
  communication: number;
  total: number;
}

/** The step-time model of one replica configuration; build once, call per step. */
export class StepTimeModel {
  readonly arch: ModelArchitecture | null;
  readonly kvBytesPerToken: number;
  private readonly flops: number;
  /** Achievable FLOP/s of the attention math (BF16 even when the weights are FP8). */
  private readonly attnFlops: number;
  private readonly bw: number;
  private readonly kvShards: number;
  private readonly matmulPerToken: number;
  private readonly lmHead: number;
  private readonly attnPerContextToken: number;
  private readonly actBytesPerToken: number;
  /** Parameters every step reads (params-only and dense models; 0 for MoE, which depends on the batch). */
  private readonly weightsRead: number;

  constructor(
    readonly model: StepModelSpec,
    readonly device: StepDevice,
    readonly parallel: ParallelismSpec = { tensor: 1, pipeline: 1, expert: 1 },
  ) {
    const t = parallel.tensor;
    this.flops = device.peakFlops * device.computeEfficiency * t;
    this.attnFlops = (device.attentionPeakFlops ?? device.peakFlops) * device.computeEfficiency * t;
    this.bw = device.bandwidthBytesPerS * device.memoryEfficiency * t;
    const a = model.architecture;
    if (a === undefined) {
      const p = model.paramsOnly;
      if (p === undefined) throw new Error("StepTimeModel needs an architecture or paramsOnly sizes");
      this.arch = null;
      this.kvBytesPerToken = p.kvBytesPerToken;
      this.kvShards = t;
      this.matmulPerToken = p.activeParams;
      this.lmHead = 0;
      this.attnPerContextToken = 0;
      this.actBytesPerToken = 0;
      this.weightsRead = p.totalParams;
      return;
    }
    this.arch = a;
    // a dense model reads the same weights whatever the batch (MoE: the experts the batch touches)
    this.weightsRead = a.experts > 1 ? 0 : paramsReadPerStep(a, 1);
    this.kvBytesPerToken = kvBytesPerTokenOf(a, model.kvBytesPerValue);
    // KV heads split over the t devices; with fewer KV heads than devices they are replicated
    this.kvShards = Math.min(t, a.kvHeads);
    this.matmulPerToken = layerMatmulParamsPerToken(a);
    this.lmHead = lmHeadParams(a);
    this.attnPerContextToken = attentionFlopsPerToken(a, 1);
    this.actBytesPerToken = a.hiddenSize * model.activationBytes;
  }

  /** Parameters a step over `tokens` tokens reads (params-only: all of them). */
  private paramsRead(tokens: number): number {
    return this.weightsRead > 0 || this.arch === null
      ? this.weightsRead
      : paramsReadPerStep(this.arch, tokens);
  }

  /** Weight bytes held by one device (pipeline stages and tensor shards split them evenly). */
  weightBytesPerDevice(totalParams: number): number {
    return (totalParams * this.model.bytesPerParam) / (this.parallel.tensor * this.parallel.pipeline);
  }

  /** KV bytes one token of context takes on one device. */
  kvBytesPerTokenPerDevice(): number {
    return this.kvBytesPerToken / (this.kvShards * this.parallel.pipeline);
  }

  /** Compute time of the linear layers (GEMMs) for `tokens` tokens of which `sampled` need logits. */
  private linearCompute(tokens: number, sampled: number): number {
    if (tokens <= 0) return 0;
    return (2 * this.matmulPerToken * tokens + 2 * this.lmHead * sampled) / this.flops;
  }

  /** Memory time of the linear layers: the weights the step reads. */
  private linearMemory(tokens: number): number {
    if (tokens <= 0) return 0;
    return (this.paramsRead(tokens) * this.model.bytesPerParam) / this.bw;
  }

  /** Effective bandwidth for KV traffic (KV heads replicated over devices read the same bytes). */
  private kvBandwidth(): number {
    return this.bw * (this.kvShards / this.parallel.tensor);
  }

  /** Collective time of a step of `tokens` tokens. */
  communicationSeconds(tokens: number): number {
    const a = this.arch;
    if (tokens <= 0 || a === null) return 0;
    const { tensor, pipeline, expert } = this.parallel;
    const link = this.device.interconnect;
    const buffer = tokens * this.actBytesPerToken;
    let perLayer = ringAllReduceSeconds(link, tensor, buffer); // after attention
    if (a.experts > 1 && expert > 1) {
      perLayer += 2 * allToAllSeconds(link, expert, buffer * a.expertsActive); // dispatch + combine
    } else perLayer += ringAllReduceSeconds(link, tensor, buffer); // after the MLP
    return a.layers * perLayer + (pipeline - 1) * p2pSeconds(link, buffer);
  }

  breakdown(c: StepComposition): StepBreakdown {
    const tokens = c.prefillTokens + c.decodes;
    const linearCompute = this.linearCompute(tokens, c.decodes + c.prefillSampled);
    const linearMemory = this.linearMemory(tokens);
    const attendSum = c.prefillAttendSum + c.decodeCachedSum + c.decodes;
    const attentionCompute = (this.attnPerContextToken * attendSum) / this.attnFlops;
    const kvTokens = c.prefillCachedRead + c.decodeCachedSum + tokens; // read + written
    const attentionMemory = tokens > 0 ? (kvTokens * this.kvBytesPerToken) / this.kvBandwidth() : 0;
    const communication = this.communicationSeconds(tokens);
    const overhead = tokens > 0 ? this.device.stepOverheadS : 0;
    const total =
      overhead +
      Math.max(linearCompute, linearMemory) +
      Math.max(attentionCompute, attentionMemory) +
      communication;
    return { overhead, linearCompute, linearMemory, attentionCompute, attentionMemory, communication, total };
  }

  /** Seconds the step takes (0 for an empty step); the same sum as breakdown(), allocation-free. */
  stepSeconds(c: StepComposition): number {
    const tokens = c.prefillTokens + c.decodes;
    if (tokens <= 0) return 0;
    const attendSum = c.prefillAttendSum + c.decodeCachedSum + c.decodes;
    const kvTokens = c.prefillCachedRead + c.decodeCachedSum + tokens;
    return (
      this.device.stepOverheadS +
      Math.max(this.linearCompute(tokens, c.decodes + c.prefillSampled), this.linearMemory(tokens)) +
      Math.max(
        (this.attnPerContextToken * attendSum) / this.attnFlops,
        (kvTokens * this.kvBytesPerToken) / this.kvBandwidth(),
      ) +
      this.communicationSeconds(tokens)
    );
  }

  /** Per-step time of a decode step of n requests that does not depend on their contexts (cached by n). */
  decodeFixedSeconds(n: number): number {
    if (n >= this.fixedCache.length) {
      const next = new Float64Array(Math.max(n + 1, 2 * this.fixedCache.length));
      next.fill(Number.NaN);
      next.set(this.fixedCache);
      this.fixedCache = next;
    }
    let v = this.fixedCache[n];
    if (Number.isNaN(v)) {
      v =
        this.device.stepOverheadS +
        Math.max(this.linearCompute(n, n), this.linearMemory(n)) +
        this.communicationSeconds(n);
      this.fixedCache[n] = v;
    }
    return v;
  }

  /**
   * The lines of a stretch of decode steps of the same n requests, `cachedSum` tokens cached over
   * the batch at its first step, written to `out`: [fixed, ca, cb, ma, mb] such that step k takes
   * fixed + max(ca + cb k, ma + mb k) (attention's compute and memory terms, each linear in k).
   */
  decodeRunLines(n: number, cachedSum: number, out: Float64Array): void {
    out[0] = this.decodeFixedSeconds(n);
    out[1] = (this.attnPerContextToken * (cachedSum + n)) / this.attnFlops;
    out[2] = (this.attnPerContextToken * n) / this.attnFlops;
    const kvBw = this.kvBandwidth();
    out[3] = (this.kvBytesPerToken * (cachedSum + n)) / kvBw;
    out[4] = (this.kvBytesPerToken * n) / kvBw;
  }

  /**
   * Total seconds of K consecutive decode-only steps of the same n requests, the first with
   * `cachedSum` tokens cached over the batch; each step adds one token per request, so step k
   * (0-based) has cachedSum + k n. Closed form: the linear layers, overhead and collectives do not
   * change; attention's compute and memory terms are each linear in k, and the sum of the larger
   * of two lines splits at their crossing.
   */
  decodeRunSeconds(n: number, cachedSum: number, steps: number): number {
    if (n <= 0 || steps <= 0) return 0;
    const l = this.lines;
    this.decodeRunLines(n, cachedSum, l);
    return steps * l[0] + sumMaxOfLines(l[1], l[2], l[3], l[4], steps);
  }

  /**
   * Seconds from the start of a stretch to the end of its k-th step, from what decodeRunLines
   * wrote (the production replica keeps those and calls this per bisection probe).
   */
  runSecondsFromLines(l: Float64Array, steps: number): number {
    return steps <= 0 ? 0 : steps * l[0] + sumMaxOfLines(l[1], l[2], l[3], l[4], steps);
  }

  private fixedCache = new Float64Array(0);
  private readonly lines = new Float64Array(5);
}

/** Sum over k = from .. to - 1 of a + b k. */
function lineSum(a: number, b: number, from: number, to: number): number {
  const n = to - from;
  return n <= 0 ? 0 : a * n + (b * (from + to - 1) * n) / 2;
}

/** Sum over k = 0 .. K-1 of max(a1 + b1 k, a2 + b2 k), in closed form (allocation-free: a hot path). */
export function sumMaxOfLines(a1: number, b1: number, a2: number, b2: number, steps: number): number {
  if (b1 === b2) return lineSum(Math.max(a1, a2), b1, 0, steps);
  // crossing: a1 + b1 k = a2 + b2 k; before it the line with the smaller slope is the larger
  const cross = (a2 - a1) / (b1 - b2);
  const split = Math.min(steps, Math.max(0, Math.ceil(cross)));
  return b1 > b2
    ? lineSum(a2, b2, 0, split) + lineSum(a1, b1, split, steps)
    : lineSum(a1, b1, 0, split) + lineSum(a2, b2, split, steps);
}
