/**
 * The range of every number a scenario, profile or catalog may hold. Each bound is physically
 * generous (well past any real fleet, model or price) and keeps every quantity the simulator
 * derives from it finite and exact: rates, token counts, durations and their ratios stay small
 * enough for the arrays sized from them, and money stays within whole micro-dollars below 2^53.
 * The schema applies them, so they appear in scenario.schema.json and docs/scenario-reference.md.
 */

const YEAR = 365 * 86_400;

export const LIMITS = {
  /** Arrivals per second of one workload: 1 M/s is ~100x the peak of the largest public LLM APIs. */
  ratePerS: 1e6,
  /** Tokens of one request: 10 M, the largest context window shipped (Llama 4 Scout), as a hard cap. */
  tokens: 10_000_000,
  /** Prefix groups of one workload: 1 M (each group's prefix is kept once per replica that serves it). */
  prefixGroups: 1_000_000,
  /** Tokens per hash id of a trace's prefix column: 1 M (Mooncake's are 512). */
  prefixBlockTokens: 1_000_000,
  /** Layers, heads, widths and vocabulary of a model architecture: 10 M (the largest public models are under 300,000 wide). */
  architectureSize: 10_000_000,
  /** Interconnect bandwidth one way: 100,000 GB/s (NVLink 5 is 900 GB/s each way). */
  linkGbPerS: 100_000,
  /** Interconnect hop latency: 1 s in microseconds (real links take 1 to 10 us). */
  linkLatencyUs: 1_000_000,
  /** Fixed time of a serving step: 10 s in ms (vLLM's is a few ms). */
  stepOverheadMs: 10_000,
  /** Start-up time of a serving engine besides reading weights: 1 hour (vLLM starts in under a minute). */
  startupS: 3_600,
  /** Ratio p90 / median of a lognormal: 100 (the Azure traces have about 3); its mean stays < 700 x median. */
  lognormalSpread: 100,
  /** Any duration: 100 years (an event that late simply never happens). */
  durationS: 100 * YEAR,
  /** The horizon: 10 years, the life of a fleet. */
  horizonS: 10 * YEAR,
  /** Shortest positive duration: 1 ms (below that, times lose precision against a long horizon). */
  minDurationS: 0.001,
  /** Shortest mean on / off period of an MMPP: 1 s (each switch is work that the estimates do not count). */
  minOnOffS: 1,
  /** Report intervals (horizon / report_interval): 200,000 (a year of 3-minute buckets); sizes every time series. */
  intervals: 200_000,
  /** Fluid steps (horizon / fluid.step): 10 M (10 years of 30-second steps); each step is work per group. */
  fluidSteps: 10_000_000,
  /** Nodes of one pool, and nodes of one fleet change: 100,000 (a 800,000-accelerator pool). */
  nodes: 100_000,
  /** Accelerators of one node (a rack-scale node such as GB200 NVL72 has 72): 1,024. */
  acceleratorsPerNode: 1024,
  /** Accelerators of one replica: 4,096. */
  acceleratorsPerReplica: 4096,
  /** Price of tokens: 10,000 USD per million tokens (the dearest models list a few hundred). */
  usdPerMtok: 10_000,
  /** Purchase cost of one node: 100 M USD (a GB200 NVL72 rack is about 3 M USD). */
  capexUsd: 1e8,
  /** Hourly cost or rent of one node: 100,000 USD per hour. */
  usdPerHour: 100_000,
  /** Energy price: 10 USD per kWh (retail power peaks well under 1 USD). */
  energyUsdPerKwh: 10,
  /** Power usage effectiveness: 1 (no overhead) to 3 (the worst datacenters surveyed are about 2.5). */
  pue: [1, 3] as const,
  /** Amortisation: 0.1 to 50 years. */
  amortizationYears: [0.1, 50] as const,
  /** A tenant's commitment: 1 billion USD (money totals must stay below 2^53 micro-dollars, 9 billion). */
  committedUsd: 1e9,
  /** Whole-node power: 1 MW (a GB200 NVL72 rack draws about 120 kW). */
  powerW: 1e6,
  /** Memory per accelerator: 100,000 GB. */
  memoryGb: 100_000,
  /** Memory bandwidth per accelerator: 0.001 to 10,000 TB/s. */
  bandwidthTbPerS: [0.001, 10_000] as const,
  /** Peak compute per accelerator: 0.001 to 10 M TFLOPS. */
  peakTflops: [0.001, 1e7] as const,
  /**
   * Measured tokens per second of one replica: 0.001 to 10^12 (real replicas reach about 10^5; test
   * fixtures use 10^12 for a prefill that takes no time).
   */
  tokensPerS: [0.001, 1e12] as const,
  /** Batch sizes (measured, capped): 1,000,000. */
  batch: 1_000_000,
  batchedTokens: 10_000_000,
  /** Context length and chunk size on a measured step table's axes: 10^8 tokens. */
  contextTokens: 100_000_000,
  /** One measured step: up to an hour (3.6e6 ms). */
  stepMs: 3_600_000,
  /** Queue length per replica: 10^8 (a queue takes memory only as it fills; the event limit bounds that). */
  queuePerReplica: 100_000_000,
  /** Model size: 100,000 billion parameters. */
  paramsB: 100_000,
  /** Bytes per weight: 0.1 (1-bit) to 8 (fp64). */
  bytesPerParam: [0.1, 8] as const,
  /** KV-cache bytes per token: 100 MB. */
  kvBytesPerToken: 1e8,
  /** Load multipliers (demand_change factor, diurnal peak_to_trough): 1,000. */
  factor: 1000,
  /** Growth of a rate per 30-day month: up to +1,000 %/month. */
  growthPerMonth: 10,
  /** Trace time_scale: 0.001 to 1,000. */
  timeScale: [0.001, 1000] as const,
  /** SLO targets: TTFT up to a day (86,400 s), TPOT up to 1,000,000 ms. */
  ttftS: 86_400,
  tpotMs: 1_000_000,
  /** Seeds: whole numbers below 2^32. */
  seed: 2 ** 32 - 1,
} as const;

/**
 * Money is counted in whole micro-dollars (src/billing/money.ts): a price with more than 6 decimal
 * places cannot be represented. A relative tolerance absorbs the binary form of decimals like 0.1.
 */
export function wholeMicroDollars(usd: number): boolean {
  const micro = usd * 1e6;
  return Math.abs(micro - Math.round(micro)) <= 1e-6 * Math.max(1, Math.abs(micro)) * 1e-3;
}
