/** What the parent sends a simulation worker and what the worker posts back (see parts-run.ts). */
import type { UsageRow } from "../billing/usage-ledger.js";
import type { InputProblem } from "../errors.js";
import type { TenantModelStats } from "../metrics/tenant-stats.js";
import type { Scenario } from "../scenario/types.js";

/**
 * Work for simulation workers: the parts of one scenario (`parts` set, one scenario), or whole
 * scenarios (`parts` null: item i is scenarios[i], e.g. the request windows of a hybrid run).
 */
export interface PartTask {
  scenarios: Scenario[];
  /** Every part's workloads, or null when the items are whole scenarios. */
  parts: number[][] | null;
  /** The order items are taken in, and the shared counter of the next position (see claimPart). */
  order: number[];
  counter: Int32Array;
}

/** One part's run, as plain data (it crosses threads by structured clone). */
export interface PartResult {
  stats: TenantModelStats[];
  statOfWorkload: Int32Array;
  grid: {
    present: Float64Array;
    available: Float64Array;
    busy: Float64Array;
    held: Float64Array;
    outputTokens: Float64Array;
  };
  unassignedNodeSeconds: Float64Array;
  usageRows: UsageRow[];
  priceEpochs: Array<Array<{ input: number; output: number }>>;
  interrupted: number;
  preempted: number;
  inSystemSeconds: number;
  events: number;
  /** Report boundaries and timeline actions, which every part processes. */
  sharedEvents: number;
}

export type PartMessage =
  | { kind: "progress"; part: number; time: number; completed: number }
  | { kind: "result"; part: number; result: PartResult }
  | { kind: "done" }
  | { kind: "error"; problems?: InputProblem[]; message: string; stack?: string };
