/**
 * Everything a run produced: the contract between the engines (request, fluid) and what reads a
 * run afterwards (billing, the output writers, comparisons). Plain data, never the live simulation.
 */
import type { IntervalGrid } from "../metrics/interval-grid.js";
import type { TenantModelStats } from "../metrics/tenant-stats.js";
import type { UsageLedger } from "../metrics/usage-ledger.js";
import type { Scenario } from "../scenario/types.js";
import type { WorkloadEstimate } from "../workload/create-source.js";
import type { Routes } from "./routes.js";
import type { ScalingLog } from "./scaling-log.js";
import type { Topology } from "./topology.js";

export interface RunResult {
  scenario: Scenario;
  topology: Topology;
  routes: Routes;
  intervals: number;
  stats: TenantModelStats[];
  /** Stats row of each flat workload. */
  statOfWorkload: Int32Array;
  grid: IntervalGrid;
  /** Node-seconds of each pool's nodes not assigned to any model, per interval x pool. */
  unassignedNodeSeconds: Float64Array;
  usage: UsageLedger;
  /** Prices per model per epoch, USD per million tokens. */
  priceEpochs: PriceEpoch[][];
  estimates: WorkloadEstimate[];
  /** Requests taken out of replicas by outages and re-routed. */
  interrupted: number;
  /** Spot requests preempted (taken out of a batch for other work and requeued); absent = 0. */
  preempted?: number;
  /** The autoscaler's decisions and loads; absent when the scenario has no autoscaling. */
  scaling?: ScalingLog;
  /** Time-integral of the number of requests in the system (queued or held), request-seconds. */
  inSystemSeconds: number;
  /**
   * Requests still in the system at the horizon, counted where they are (the router's shared
   * queues, the replicas' queues, what the replicas hold), not derived from the tenant counters:
   * conservation tests check completed + rejected + this = arrivals. Absent in fluid and hybrid runs.
   */
  liveAtHorizon?: number;
  events: number;
  wallSeconds: number;
}

/** A model's token prices in force for a while (its price epoch), USD per million tokens. */
export interface PriceEpoch {
  input: number;
  output: number;
  /** Prompt tokens read from the prefix cache (the input price when the model gives none). */
  cachedInput: number;
}

/** The first price epoch of a model with price `p`. */
export function firstPriceEpoch(p: {
  inputUsdPerMtok: number;
  outputUsdPerMtok: number;
  cachedInputUsdPerMtok?: number;
}): PriceEpoch {
  return {
    input: p.inputUsdPerMtok,
    output: p.outputUsdPerMtok,
    cachedInput: p.cachedInputUsdPerMtok ?? p.inputUsdPerMtok,
  };
}

/**
 * The epoch after a price change of `input` and/or `output` (null: unchanged). The cached-input
 * price is the model's own when it gives one, else it follows the input price.
 */
export function nextPriceEpoch(
  cur: PriceEpoch,
  input: number | null,
  output: number | null,
  modelCachedInput: number | undefined,
): PriceEpoch {
  const i = input ?? cur.input;
  return { input: i, output: output ?? cur.output, cachedInput: modelCachedInput ?? i };
}
