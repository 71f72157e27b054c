/** The run's headline figures, from the finished run and its financials. */

import { sumUse, useRatios } from "../capacity/capacity-use.js";
import type { RunResult } from "../contract/run-result.js";
import { type LatencyPercentiles, latencyPercentiles } from "../metrics/latency-percentiles.js";
import { hhi, jainIndex } from "./concentration.js";
import type { Financials } from "./financials.js";
import { IDLE } from "./lines.js";
import { type Micro, sumMicro } from "./money.js";

export { hhi, jainIndex } from "./concentration.js";

export interface Summary {
  scenario: string;
  seed: number;
  horizonS: number;
  requests: number;
  completed: number;
  rejected: number;
  inFlight: number;
  failedOver: number;
  inputTokens: number;
  outputTokens: number;
  revenue: Micro;
  ownerShare: Micro;
  cost: Micro;
  margin: Micro;
  /** margin / revenue; null when revenue is 0. */
  marginPct: number | null;
  /**
   * Output tokens served / output tokens the replicas could serve at their saturated operating
   * point for the mix they served, over all pools (metrics/capacity-use.ts): falls with load.
   */
  utilization: number | null;
  /** Busy replica-seconds / available replica-seconds (what `utilization` meant before 0.2). */
  busyFraction: number | null;
  /** FLOPs done / peak FLOPs of the accelerators present (MFU; attention FLOPs not counted). */
  computeUtilization: number | null;
  /** KV-cache memory in use over time / held, and the highest share of one replica's in use (request fidelity only). */
  kvUtilization: number | null;
  /** Bytes read from accelerator memory / peak bandwidth x time present (request fidelity only). */
  memoryBandwidthUtilization: number | null;
  kvPeakUtilization: number | null;
  /** Completed requests that met their SLO, and their tokens (goodput); null where not measured (fluid). */
  goodputRequests: number | null;
  goodputInputTokens: number | null;
  goodputOutputTokens: number | null;
  /** Latency percentiles over every request of the run; null where not measured (fluid). */
  latency: LatencyPercentiles;
  /** Completed requests meeting their SLO / all requests. */
  sloAttainment: number | null;
  /** Herfindahl-Hirschman index of revenue shares by model owner (0..1); idle capacity revenue has no owner and is left out. */
  revenueHhi: number | null;
  /** Jain's index of SLO attainment over tenants that sent requests (1 = all served alike). */
  jainFairness: number | null;
  /** Requests re-routed after an outage took them out of a replica. */
  interrupted: number;
  /** Spot requests taken out of a batch for other work and requeued (their lost progress is not billed). */
  preempted: number;
  /** KV-shortage preemptions (step replicas), summed over the tenants' rows. */
  kvPreemptions: number;
  /** Of those, the ones that swapped the request out to host memory. */
  kvSwaps: number;
  /** Of the rejections, requests longer than every model of their route chain could hold. */
  rejectedTooLong: number;
  /** Prompt tokens of the completed requests read from the prefix cache (step replicas). */
  cachedInputTokens: number;
  /** cachedInputTokens / inputTokens; null when no prompt token completed. */
  prefixHitRate: number | null;
  /** Replica loads the autoscaler began (starts and switches), and of those switches between models. */
  replicaLoads: number;
  replicaSwitches: number;
  /** Commitment shortfalls billed, and SLA credits given back (both >= 0; already in revenue). */
  commitmentShortfall: Micro;
  slaCredit: Micro;
  events: number;
  wallSeconds: number;
}

export function summarize(run: RunResult, fin: Financials): Summary {
  const s = run.scenario;
  // The fluid mode knows mean latencies only: its SLO figures would be written as if exact.
  const measured = s.fidelity !== "fluid";
  const use = useRatios(sumUse(fin.use));
  let requests = 0;
  let completed = 0;
  let rejected = 0;
  let failedOver = 0;
  let inputTokens = 0;
  let cachedInput = 0;
  let outputTokens = 0;
  let sloMet = 0;
  let goodIn = 0;
  let goodOut = 0;
  for (const st of run.stats) {
    requests += st.requests;
    completed += st.completed;
    rejected += st.rejected;
    failedOver += st.failedOver;
    inputTokens += st.inputTokens;
    cachedInput += st.cachedInputTokens;
    outputTokens += st.outputTokens;
    sloMet += st.sloMet;
    goodIn += st.sloMetInputTokens;
    goodOut += st.sloMetOutputTokens;
  }
  const revenue = sumMicro(fin.revenue.map((l) => l.revenue));
  const ownerShare = sumMicro(fin.revenue.map((l) => l.ownerShare));
  const cost = sumMicro(fin.cost.map((l) => l.cost));
  const margin = revenue - ownerShare - cost;
  const byOwner = new Map<string, number>();
  for (const l of fin.revenue) {
    if (l.model === IDLE) continue;
    const owner = s.models[l.model].owner;
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + l.revenue);
  }
  const attained = fin.tenants.flatMap((b) => (b.sloAttainment === null ? [] : [b.sloAttainment]));
  return {
    scenario: s.name,
    seed: s.seed,
    horizonS: s.horizon,
    requests,
    completed,
    rejected,
    inFlight: requests - completed - rejected,
    failedOver,
    inputTokens,
    outputTokens,
    revenue,
    ownerShare,
    cost,
    margin,
    marginPct: revenue !== 0 ? margin / revenue : null,
    utilization: use.utilization,
    busyFraction: use.busyFraction,
    computeUtilization: use.computeUtilization,
    kvUtilization: use.kvUtilization,
    memoryBandwidthUtilization: use.memoryBandwidthUtilization,
    kvPeakUtilization: use.kvPeakUtilization,
    goodputRequests: measured ? sloMet : null,
    goodputInputTokens: measured ? goodIn : null,
    goodputOutputTokens: measured ? goodOut : null,
    latency: latencyPercentiles(run.stats),
    sloAttainment: measured && requests > 0 ? sloMet / requests : null,
    revenueHhi: hhi([...byOwner.values()]),
    jainFairness: jainIndex(attained),
    interrupted: run.interrupted,
    preempted: run.preempted ?? 0,
    kvPreemptions: run.stats.reduce((a, st) => a + st.kvPreempted, 0),
    kvSwaps: run.stats.reduce((a, st) => a + st.kvSwapped, 0),
    rejectedTooLong: run.stats.reduce((a, st) => a + st.rejectedTooLong, 0),
    cachedInputTokens: cachedInput,
    prefixHitRate: inputTokens > 0 ? cachedInput / inputTokens : null,
    replicaLoads: run.scaling ? run.scaling.loads.reduce((a, b) => a + b, 0) : 0,
    replicaSwitches: run.scaling ? run.scaling.switches.reduce((a, b) => a + b, 0) : 0,
    commitmentShortfall: sumMicro(fin.tenants.map((b) => b.shortfall)),
    slaCredit: sumMicro(fin.tenants.map((b) => b.slaCredit)),
    events: run.events,
    wallSeconds: run.wallSeconds,
  };
}
