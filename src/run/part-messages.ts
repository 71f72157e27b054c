/** What the parent sends a simulation worker and what a part's run posts back (see parts-run.ts). */

import type { PriceEpoch } from "../contract/run-result.js";
import type { GridKey } from "../metrics/interval-grid.js";
import type { TenantModelStats } from "../metrics/tenant-stats.js";
import type { UsageRow } from "../metrics/usage-ledger.js";
import type { Scenario } from "../scenario/types.js";
import type { WorkloadEstimate } from "../workload/source.js";
import type { Claims } from "./thread-pool.js";

/**
 * Work for simulation workers: the parts of one scenario (`parts` set, one scenario), or whole
 * scenarios (`parts` null: item i is scenarios[i], e.g. the request windows of a hybrid run).
 */
export interface PartTask extends Claims {
  scenarios: Scenario[];
  /** Every part's workloads, or null when the items are whole scenarios. */
  parts: number[][] | null;
  /** With `parts`: the scenario's workload estimates, as planned by the thread that split it. */
  estimates?: WorkloadEstimate[];
}

/** One part's run, as plain data (it crosses threads by structured clone). */
export interface PartResult {
  stats: TenantModelStats[];
  statOfWorkload: Int32Array;
  grid: Record<GridKey, Float64Array>;
  unassignedNodeSeconds: Float64Array;
  usageRows: UsageRow[];
  priceEpochs: PriceEpoch[][];
  interrupted: number;
  preempted: number;
  inSystemSeconds: number;
  liveAtHorizon: number;
  events: number;
  /** Report boundaries and timeline actions, which every part processes. */
  sharedEvents: number;
}
