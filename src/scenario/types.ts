/**
 * The validated, resolved scenario: plain data, every default filled in, every id resolved.
 * This is what the loader produces and what the simulation consumes. All durations are in
 * seconds from the scenario start, all money in USD, all prices of tokens per million tokens.
 */

export type Seconds = number;

export interface Scenario {
  name: string;
  description: string;
  /** Absolute path of the scenario file ("" when built in code). */
  file: string;
  /** sha256 of the scenario file's bytes (hex), "" when built in code. */
  fileHash: string;
  seed: number;
  /** Epoch milliseconds of the scenario start (UTC). */
  startMs: number;
  horizon: Seconds;
  reportInterval: Seconds;
  fidelity: "request" | "fluid" | "hybrid";
  /** Fluid-mode settings; absent in scenarios built in code (then the defaults apply). */
  fluid?: FluidSpec;
  regions: string[];
  models: ModelSpec[];
  /** Every hardware profile a pool references (by id). */
  profiles: HardwareProfile[];
  fleet: { pools: PoolSpec[]; changes: FleetChange[] };
  tenants: TenantSpec[];
  events: TimelineEvent[];
  scheduler: SchedulerSpec;
  billing: BillingSpec;
  /** The autoscaler, null or absent when replicas follow only `serves` and `fleet.changes`. */
  autoscaling?: AutoscalingSpec | null;
  /** The capacity planner's question (`plan:`), null when the file has none. Absent in scenarios built in code. */
  plan?: PlanSpec | null;
  /** Dotted field path (e.g. "tenants.0.workloads.1.model") -> 1-based line in `file`, where known. */
  lines: Record<string, number>;
  /** Dotted paths of the fields `--set` wrote (list items by index); absent in scenarios built in code. */
  setPaths?: string[];
}

export interface FluidSpec {
  /** Time step of the fluid model (default 60 s). */
  step: Seconds;
  /**
   * fidelity hybrid: the spans run request by request, sorted, disjoint (touching ones merged),
   * aligned to report intervals and inside the horizon (the repeating form already expanded).
   */
  windows?: HybridWindow[];
}

/** A span of a hybrid run simulated request by request. */
export interface HybridWindow {
  at: Seconds;
  duration: Seconds;
}

export interface ModelSpec {
  id: string;
  owner: string;
  /** Total parameters, billions (memory footprint). */
  paramsB: number;
  /** Parameters used per token, billions (MoE: fewer than paramsB). */
  activeParamsB: number;
  bytesPerParam: number;
  kvBytesPerToken: number;
  acceleratorsPerReplica: number;
  /** cachedInputUsdPerMtok: prompt tokens found in the prefix cache (absent: the input price). */
  price: { inputUsdPerMtok: number; outputUsdPerMtok: number; cachedInputUsdPerMtok?: number };
  ownerRevenueShare: number;
  /**
   * Longest sequence served, prompt + generated tokens (vLLM's max_model_len); absent: no limit.
   * A longer request goes down its route chain, else it is rejected.
   */
  contextTokens?: number;
  /** Public architecture, when given (step model; src/fleet/architecture.ts). */
  architecture?: ModelArchitecture;
}

/**
 * Measured step times with a context axis (src/fleet/step-table.ts): every axis strictly
 * increasing with at least two values, every time > 0.
 */
export interface StepTable {
  /** ms[i][j] = milliseconds of a decode step of batch[i] requests each with context[j] tokens cached. */
  decode: { batch: number[]; context: number[]; ms: number[][] };
  /** ms[i] = milliseconds of a step that prefills a chunk of tokens[i] prompt tokens (no decodes). */
  prefill: { tokens: number[]; ms: number[] };
}

/**
 * A profile's measurement of a model: either a curve by batch only (served by the `prefill:
 * pause` replica) or step tables with a context axis (served by the step replica).
 */
export type MeasuredPerformance =
  | {
      model: string;
      /** Prompt tokens per second per replica. */
      prefillTokensPerS: number;
      /** Batch size -> total decode tokens/s per replica over the batch, sorted by batch size. */
      decodeTokensPerS: Array<[batch: number, tokensPerS: number]>;
      maxBatch?: number;
      steps?: undefined;
    }
  | {
      model: string;
      steps: StepTable;
      maxBatch?: number;
      prefillTokensPerS?: undefined;
      decodeTokensPerS?: undefined;
    };

export interface HardwareProfile {
  id: string;
  kind: "gpu" | "maia" | "cobalt";
  accelerator: string;
  acceleratorsPerNode: number;
  memoryGbPerAccelerator: number;
  memoryBandwidthTbPerS: number;
  /** Dense peak at the low precision of 1-byte weights (FP8, MX), or BF16 where there is none. */
  peakTflops: number;
  /** Dense peak at BF16 (2-byte weights, attention math); = peakTflops when the profile gives none. */
  peakTflopsBf16: number;
  efficiency: { compute: number; memory: number };
  /**
   * Whole-node power; `accelerator` (one accelerator's, when the profile gives it) and `other`
   * (the node's power besides its accelerators: host, memory, NICs, fans) split it.
   */
  powerW: {
    idle: number;
    peak: number;
    accelerator?: { idle: number; peak: number } | null;
    other?: { idle: number; peak: number } | null;
  };
  capexUsd: number;
  opexUsdPerHour: number;
  priceUsdPerHour: number;
  sources: string[];
  performance: MeasuredPerformance[];
  /** Accelerator-to-accelerator link (step model), when given. */
  interconnect?: { kind: string; bandwidthGbPerS: number; latencyUs: number };
  /** Fixed time of every serving step, ms (step model), when given. */
  stepOverheadMs?: number;
  /** Rate a replica reads weights when it starts or switches model, GB/s (autoscaling), when given. */
  weightLoadGbPerS?: number;
  /** One accelerator's link to host memory, GB/s each way (swap preemption); default 64, PCIe Gen5 x16. */
  hostLinkGbPerS?: number;
  /** Start-up time of a serving engine besides reading weights, s (autoscaling), when given. */
  startupS?: number;
  /** File the profile was read from ("" when built in code). */
  file: string;
}

export interface PoolServes {
  model: string;
  nodes: number;
}

export interface PoolSpec {
  id: string;
  profile: string;
  region: string;
  nodes: number;
  serves: PoolServes[];
  /** Tenant id, or null when the pool is open to everyone. */
  reservedFor: string | null;
  /** Nodes provisioned on demand (autoscaling); absent or null: the pool keeps its nodes. */
  scaling?: PoolScaling | null;
}

/** A pool's node provisioning (docs/autoscaling.md). */
export interface PoolScaling {
  minNodes: number;
  maxNodes: number;
  /** Median provisioning delay, s, and the coefficient of variation of its lognormal (0: fixed). */
  delayMedian: Seconds;
  delayCv: number;
  /** A node without replicas this long is released. */
  releaseAfter: Seconds;
  /** Provisioned nodes bought as spot (cheaper, reclaimed with notice); null: none. */
  spot?: SpotNodes | null;
}

export interface SpotNodes {
  maxNodes: number;
  /** Mean reclaims per spot node-hour. */
  reclaimPerHour: number;
  notice: Seconds;
  /** Fraction off the node's capex and opex while it is spot. */
  discount: number;
}

/** The autoscaler (docs/autoscaling.md). */
export interface AutoscalingSpec {
  interval: Seconds;
  onSwitch: "drain" | "preempt";
  policies: ScalingPolicy[];
}

export interface ScalingPolicy {
  models: string[];
  /** Pools it may place replicas in, in order of preference (resolved: never empty). */
  pools: string[];
  minReplicas: number;
  maxReplicas: number;
  cooldown: Seconds;
  rule: ScalingRule;
}

export type ReactiveMetric = "utilization" | "queue" | "kv" | "ttft" | "busy";

export type ScalingRule =
  | { kind: "reactive"; metric: ReactiveMetric; up: number; down: number }
  /** Sorted by time of day; `at` in seconds after midnight UTC. */
  | { kind: "scheduled"; table: Array<{ at: Seconds; replicas: number }> }
  | { kind: "predictive"; utilization: number; lead: Seconds | null };

export interface FleetChange {
  at: Seconds;
  pool: string;
  model: string;
  /** Positive: nodes added; negative: nodes removed. */
  deltaNodes: number;
}

export type TokenDist =
  | { dist: "constant"; value: number; max: number | null }
  | { dist: "exponential"; mean: number; max: number | null }
  | { dist: "lognormal"; median: number; p90: number; max: number | null }
  | { dist: "uniform"; min: number; max: number }
  | { dist: "empirical"; file: string; column: string; max: number | null };

export interface Diurnal {
  peakToTrough: number;
  peakHourUtc: number;
}

export interface TraceOptions {
  /** Absolute path of the trace file. */
  file: string;
  format: "csv" | "jsonl";
  /** Column (or JSON key) names. */
  timestampColumn: string;
  promptColumn: string;
  outputColumn: string;
  /** How the timestamp column is read: "datetime" (ISO-like text), "s", "ms" (numbers). */
  timestampUnit: "datetime" | "s" | "ms";
  timeScale: number;
  loop: boolean;
  offset: Seconds;
  /** JSON key of the prefix-block hash ids (null: none read). */
  prefixColumn: string | null;
  /** Tokens per hash id. */
  prefixBlockTokens: number;
}

/** A synthetic workload's shared prompt prefix (prefix caching). */
export interface PrefixSpec {
  tokens: number;
  /** Distinct prefixes; each request draws one (1: a fixed system prompt). */
  groups: number;
}

export type ArrivalSpec =
  | {
      process: "poisson" | "constant";
      ratePerS: number;
      diurnal: Diurnal | null;
      growthPerMonth: number;
    }
  | {
      process: "mmpp";
      ratePerS: number;
      onMean: Seconds;
      offMean: Seconds;
      diurnal: Diurnal | null;
      growthPerMonth: number;
    }
  | { process: "trace"; trace: TraceOptions };

export interface Slo {
  ttftS: number;
  tpotMs: number;
}

export interface WorkloadSpec {
  /** Stable id within the tenant (defaults to the position as a string). */
  id: string;
  model: string;
  region: string | null;
  arrival: ArrivalSpec;
  /** For trace arrivals the trace carries the token counts and these are null. */
  promptTokens: TokenDist | null;
  outputTokens: TokenDist | null;
  /** Shared prompt prefix (synthetic workloads), or null. */
  prefix: PrefixSpec | null;
  slo: Slo | null;
  fallback: string[];
}

export interface Contract {
  type: "token" | "capacity" | "on_demand" | "spot";
  discount: number;
  committedUsd: number;
  sla: { target: number; credit: number } | null;
}

export interface TenantSpec {
  id: string;
  kind: "lab" | "enterprise";
  contract: Contract;
  workloads: WorkloadSpec[];
}

export type TimelineEvent =
  | { at: Seconds; type: "tenant_shift"; tenant: string; fraction: number }
  | { at: Seconds; type: "model_outage"; model: string; duration: Seconds }
  | { at: Seconds; type: "pool_outage"; pool: string; duration: Seconds; fraction: number }
  | {
      at: Seconds;
      type: "price_change";
      model: string;
      inputUsdPerMtok: number | null;
      outputUsdPerMtok: number | null;
    }
  | { at: Seconds; type: "demand_change"; tenant: string; factor: number };

export type RoutingPolicy =
  | "shared_queue"
  | "round_robin"
  | "least_loaded"
  | "power_of_two"
  | "cost_aware"
  | "slo_aware"
  | "prefix_affinity"
  | "kv_aware";

/**
 * prefix_affinity's tuning (SGLang's cache-aware load balancer: docs/service-model.md "Prefix-aware
 * routing"): route to the replica whose router-side index matches most of the prompt unless loads
 * are imbalanced, then to the least loaded.
 */
export interface PrefixAffinitySpec {
  /** Share of the prompt the best match must exceed to be followed (else: the replica with the smallest index). */
  cacheThreshold: number;
  /** Loads are imbalanced when max - min exceeds this AND max exceeds balanceRelThreshold x min. */
  balanceAbsThreshold: number;
  balanceRelThreshold: number;
  /** Prefix tokens the router remembers per replica; null = the replica's KV blocks x block size. */
  indexTokens: number | null;
}

/**
 * kv_aware's tuning (NVIDIA Dynamo's KV-aware router: docs/service-model.md "KV-aware routing"):
 * cost = overlapWeight x prefill blocks + decode blocks per replica, the lowest wins.
 */
export interface KvAwareSpec {
  /** Weight of the prefill term (Dynamo's overlap_score_weight). */
  overlapWeight: number;
  /** 0: the lowest cost; above 0: softmax sampling over the costs (Dynamo's router_temperature). */
  temperature: number;
}

/**
 * Which pools a model's requests go to before the routing policy picks a replica: a share per
 * target (drawn per request), or by prompt length (targets[0] = short, targets[1] = long). Each
 * target is the pool ids it names (a pool id, or every pool of a kind that serves the model).
 */
export type ModelRouting =
  | { model: string; kind: "shares"; targets: string[][]; shares: number[] }
  | { model: string; kind: "length"; targets: string[][]; threshold: number };

export interface SchedulerSpec {
  routing: RoutingPolicy;
  prefixAffinity: PrefixAffinitySpec;
  kvAware: KvAwareSpec;
  /** Per model at most one entry; models without one use all their pools alike. */
  modelRouting: ModelRouting[];
  maxQueuePerReplica: number;
  batching: "continuous" | "static";
  /** Cap on top of the profile/KV limit; null = no extra cap. */
  maxBatch: number | null;
  /** How prefill shares a replica with decoding (documented in docs/service-model.md). */
  prefill: "pause" | "chunked";
  /** chunked: vLLM's scheduler limits (null: vLLM's default for each pool's hardware) and KV memory settings. */
  maxNumBatchedTokens: number | null;
  maxNumSeqs: number | null;
  blockSize: number;
  gpuMemoryUtilization: number;
  /** chunked: what a KV-shortage preemption does (docs/service-model.md). */
  preemption: "recompute" | "swap";
  /** chunked, swap: host memory per accelerator for swapped-out KV blocks, bytes (vLLM's swap_space; null: its 4 GiB default). */
  swapSpaceBytes: number | null;
  /** chunked: vLLM's long_prefill_token_threshold, most prompt tokens of one request per step (0: off). */
  longPrefillTokenThreshold: number;
}

export interface BillingSpec {
  energyUsdPerKwh: number;
  pue: number;
  amortizationYears: number;
  spotDiscount: number;
}

/** A model's public architecture (its Hugging Face config.json); what follows from it: src/fleet/architecture.ts. */
export interface ModelArchitecture {
  /** num_hidden_layers */
  layers: number;
  /** hidden_size */
  hiddenSize: number;
  /** num_attention_heads */
  attentionHeads: number;
  /** num_key_value_heads (GQA; = attentionHeads without GQA) */
  kvHeads: number;
  /** head_dim (default hidden_size / num_attention_heads) */
  headDim: number;
  /** intermediate_size: the MLP's inner width (MoE: per expert) */
  intermediateSize: number;
  /** vocab_size */
  vocabSize: number;
  /** tie_word_embeddings: the LM head is the embedding matrix */
  tiedEmbeddings: boolean;
  /** Q, K and V projections carry a bias (Qwen2) */
  qkvBias: boolean;
  /** num_local_experts (MoE); 1 for a dense model */
  experts: number;
  /** num_experts_per_tok (MoE); 1 for a dense model */
  expertsActive: number;
}

/** A range of node counts: min, min + step, ... up to max. */
export interface NodeRange {
  min: number;
  max: number;
  step: number;
}

/** A pool the planner sizes: an existing one (profile and region as in the fleet) or a new one. */
export interface PlanPool {
  pool: string;
  /** True when the pool is not in fleet.pools (the planner adds it). */
  isNew: boolean;
  profile: string;
  region: string;
  /** Bounds of the pool's total nodes. */
  nodes: NodeRange;
  /** nodes.max was not given: the default, twice today's nodes and at least 4 (said when no fleet fits). */
  maxDefaulted: boolean;
  /** Node range of each model the pool may serve. */
  models: Array<{ model: string } & NodeRange>;
}

/** Targets of one tenant x requested model (a row of tenants.csv). */
export interface PlanTarget {
  tenant: string;
  model: string;
  /** null: not constrained. */
  ttftP99S: number | null;
  tpotP99Ms: number | null;
  attainment: number | null;
}

/**
 * A model's routing as a decision variable of the planner: the share of its requests sent to
 * `keys[0]` (the rest to `keys[1]`), or the prompt-length threshold between `keys[0]` (short) and
 * `keys[1]` (long).
 */
export interface PlanRouting {
  model: string;
  kind: "shares" | "length";
  /** Pool ids or pool kinds as written: shares [pool, rest]; by_prompt_length [short, long]. */
  keys: [string, string];
  /** The pools of each key. */
  targets: [string[], string[]];
  /** Shares of keys[0], or thresholds (tokens): ascending, each once. */
  values: number[];
}

export interface PlanSpec {
  objective: "cost" | "margin";
  pools: PlanPool[];
  /** Routing searched with the node counts (at most one entry per model). */
  routing: PlanRouting[];
  /** Every tenant x requested model with a target, in tenant then model order. */
  targets: PlanTarget[];
  /** Events the fleet must meet every target through (added to the scenario's while planning). */
  surviveEvents: TimelineEvent[];
  /** Every target met with any one node of any pool down for the whole horizon. */
  anyNode: boolean;
  caps: {
    nodes: number | null;
    nodesPerRegion: Record<string, number>;
    powerKwPerRegion: Record<string, number>;
    budgetUsd: number | null;
  };
  seeds: number;
}
