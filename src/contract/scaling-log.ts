/**
 * What the autoscaler did in a run (both engines fill it; outputs and tests read it): every
 * decision and its consequences in time order, and per report interval x group the loads begun.
 */

export type ScalingAction =
  /** A decision: the model's replica count goes from `from` to `to` (pool -1: over the policy's pools). */
  | "scale"
  /** A replica starts loading a model's weights on free accelerators. */
  | "start"
  /** A replica starts loading a model on accelerators another model's replica gave up. */
  | "switch"
  /** A replica finished loading and serves. */
  | "ready"
  /** A replica leaves its model (drains, or preempts by autoscaling.on_switch). */
  | "stop"
  /** A load cancelled before it finished. */
  | "cancel"
  /** Nodes asked for, ready after the provisioning delay. */
  | "provision"
  /** Provisioned nodes ready. */
  | "node_ready"
  /** Nodes released. */
  | "release"
  /** A spot node's reclaim notice: replicas on it drain; it goes after the notice. */
  | "reclaim_notice"
  /** A spot node reclaimed: what it still held is preempted. */
  | "reclaimed";

export interface ScalingEvent {
  time: number;
  /** Pool index; -1 for a decision over the policy's pools. */
  pool: number;
  /** Model index; -1 for node actions. */
  model: number;
  action: ScalingAction;
  /** Replicas of the model in the pool (serving + loading + waiting) before and after; nodes for node actions. */
  from: number;
  to: number;
  /** Why, in words (the observed metric against its threshold, the schedule, the forecast). */
  reason: string;
  /** Replica slot index, -1 for node actions. */
  replica: number;
}

export interface ScalingLog {
  events: ScalingEvent[];
  /** Per report interval x group: loads begun (starts and switches) and, of those, switches. */
  loads: Float64Array;
  switches: Float64Array;
  /** Per report interval x pool: accelerator-seconds of spot nodes (billed at the spot discount). */
  spotAcceleratorSeconds: Float64Array;
}

export function emptyScalingLog(intervals: number, groups: number): ScalingLog {
  return {
    events: [],
    loads: new Float64Array(intervals * groups),
    switches: new Float64Array(intervals * groups),
    spotAcceleratorSeconds: new Float64Array(0),
  };
}
