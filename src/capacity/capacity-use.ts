/**
 * How much of its capacity each replica group used, per report interval: the figures that fall
 * with load under continuous batching (docs/outputs.md, "Utilisation").
 *
 * - utilization = output tokens served / output tokens the same replicas could serve in the time
 *   they were available, at their saturated operating point for the mix they served (the mean
 *   prompt and output tokens of the requests the group completed over the run; where it completed
 *   none, the workload estimates of its model). Halving the load halves it.
 * - busy_fraction = time a replica held at least one request / time available (the former
 *   `utilization`, near 1 at almost any load under continuous batching).
 * - compute_utilization = FLOPs done / peak FLOPs of the accelerators present, with 2 FLOPs per
 *   active parameter per prompt and output token (attention FLOPs, which grow with context, are
 *   not counted yet: a lower bound), as model FLOPs utilisation (MFU) is usually reported.
 */

import type { RunResult } from "../contract/run-result.js";
import { weightsBytes } from "../fleet/memory.js";
import { saturatedOutputTokensPerS } from "../fleet/saturated-throughput.js";

export interface GroupIntervalUse {
  availableReplicaSeconds: number;
  busyReplicaSeconds: number;
  outputTokens: number;
  inputTokens: number;
  /** Requests completed (each one prefill pass). */
  completedRequests: number;
  /** Output tokens the group could have served at its saturated operating point. */
  capacityOutputTokens: number;
  /** Accelerator-seconds of saturated work the tokens served amount to (at most those available). */
  activeAcceleratorSeconds: number;
  flops: number;
  /** Peak FLOPs of the accelerators present (FLOP/s x seconds). */
  peakFlops: number;
  /** KV bytes in use x seconds, and KV capacity x available seconds (0 where not measured). */
  kvByteSeconds: number;
  kvCapacityByteSeconds: number;
  /** Highest fraction of one replica's KV memory in use; null where not measured. */
  kvPeak: number | null;
  /** Bytes the replicas read from accelerator memory, and what their peak bandwidth could read while present (0 where not measured). */
  bytesRead: number;
  peakBytes: number;
}

/** The mix a group served (mean prompt and output tokens per request) and its saturated rate. */
export interface GroupMix {
  promptTokens: number;
  outputTokens: number;
  /** Output tokens/s one replica serves kept full of this mix. */
  saturatedOutputTokensPerS: number;
}

export function groupMixes(run: RunResult): GroupMix[] {
  const G = run.topology.groups.length;
  const input = new Float64Array(G);
  const output = new Float64Array(G);
  const requests = new Float64Array(G);
  // Whole token and request counts: their sums are exact in any order, so the rows need no sort.
  for (const u of run.usage.rows) {
    input[u.group] += u.inputTokens;
    output[u.group] += u.outputTokens;
    requests[u.group] += u.requests;
  }
  return run.topology.groups.map((g, i) => {
    let prompt: number;
    let out: number;
    if (requests[i] > 0) {
      prompt = input[i] / requests[i];
      out = output[i] / requests[i];
    } else {
      [prompt, out] = estimatedMix(run, g.modelIndex);
    }
    out = Math.max(1, out);
    return {
      promptTokens: prompt,
      outputTokens: out,
      saturatedOutputTokensPerS: saturatedOutputTokensPerS(g.curve, prompt, out),
    };
  });
}

/** Mean prompt and output tokens the workloads of a model are expected to send ([1, 1] if none). */
function estimatedMix(run: RunResult, model: number): [number, number] {
  let n = 0;
  let prompt = 0;
  let output = 0;
  run.estimates.forEach((e, w) => {
    if (run.stats[run.statOfWorkload[w]]?.modelIndex !== model) return;
    n += e.expectedRequests;
    prompt += e.expectedRequests * e.meanPromptTokens;
    output += e.expectedRequests * e.meanOutputTokens;
  });
  return n > 0 ? [prompt / n, output / n] : [1, 1];
}

/** Per report interval x group (index interval * groups + group). */
export function groupIntervalUse(run: RunResult, mixes: GroupMix[] = groupMixes(run)): GroupIntervalUse[] {
  const { grid, topology } = run;
  const G = topology.groups.length;
  const inputTokens = new Float64Array(run.intervals * G);
  const completed = new Float64Array(run.intervals * G);
  for (const u of run.usage.rows) {
    inputTokens[u.interval * G + u.group] += u.inputTokens;
    completed[u.interval * G + u.group] += u.requests;
  }
  const out: GroupIntervalUse[] = new Array(run.intervals * G);
  for (let k = 0; k < run.intervals; k++) {
    for (let g = 0; g < G; g++) {
      const group = topology.groups[g];
      const i = grid.at(k, g);
      const available = grid.available[i];
      const served = grid.outputTokens[i];
      const rate = mixes[g].saturatedOutputTokensPerS;
      const capacity = rate * available;
      const acc = group.acceleratorsPerReplica;
      // The request engine measures KV memory; the fluid mode marks its intervals NaN (unmeasured).
      const kvMeasured = !Number.isNaN(grid.kvPeak[i]);
      out[i] = {
        availableReplicaSeconds: available,
        busyReplicaSeconds: grid.busy[i],
        outputTokens: served,
        inputTokens: inputTokens[i],
        completedRequests: completed[i],
        capacityOutputTokens: capacity,
        activeAcceleratorSeconds: acc * Math.min(available, rate > 0 ? served / rate : 0),
        flops: 2 * group.model.activeParamsB * 1e9 * (served + inputTokens[i]),
        peakFlops: group.profile.peakTflops * 1e12 * acc * grid.present[i],
        kvByteSeconds: kvMeasured ? grid.kvByteSeconds[i] : 0,
        kvCapacityByteSeconds: kvMeasured ? group.curve.kvCapacityBytes * available : 0,
        kvPeak: kvMeasured && available > 0 ? grid.kvPeak[i] : null,
        // Every decode step and every prefill (one pass per prompt) reads the weights once;
        // decode steps also read each request's context (grid.kvReadBytes).
        bytesRead: kvMeasured
          ? weightsBytes(group.model) * (grid.decodeSteps[i] + completed[i]) + grid.kvReadBytes[i]
          : 0,
        peakBytes: kvMeasured ? group.profile.memoryBandwidthTbPerS * 1e12 * acc * grid.present[i] : 0,
      };
    }
  }
  return out;
}

/** The sums of some group-intervals' figures. */
export function sumUse(items: Iterable<GroupIntervalUse>): GroupIntervalUse {
  const s: GroupIntervalUse = {
    availableReplicaSeconds: 0,
    busyReplicaSeconds: 0,
    outputTokens: 0,
    inputTokens: 0,
    completedRequests: 0,
    capacityOutputTokens: 0,
    activeAcceleratorSeconds: 0,
    flops: 0,
    peakFlops: 0,
    kvByteSeconds: 0,
    kvCapacityByteSeconds: 0,
    kvPeak: null,
    bytesRead: 0,
    peakBytes: 0,
  };
  for (const u of items) {
    s.availableReplicaSeconds += u.availableReplicaSeconds;
    s.busyReplicaSeconds += u.busyReplicaSeconds;
    s.outputTokens += u.outputTokens;
    s.inputTokens += u.inputTokens;
    s.completedRequests += u.completedRequests;
    s.capacityOutputTokens += u.capacityOutputTokens;
    s.activeAcceleratorSeconds += u.activeAcceleratorSeconds;
    s.flops += u.flops;
    s.peakFlops += u.peakFlops;
    s.kvByteSeconds += u.kvByteSeconds;
    s.kvCapacityByteSeconds += u.kvCapacityByteSeconds;
    if (u.kvPeak !== null && (s.kvPeak === null || u.kvPeak > s.kvPeak)) s.kvPeak = u.kvPeak;
    s.bytesRead += u.bytesRead;
    s.peakBytes += u.peakBytes;
  }
  return s;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The ratios reported for a sum of group-intervals (null where the denominator is 0). */
export function useRatios(u: GroupIntervalUse) {
  return {
    utilization: ratio(u.outputTokens, u.capacityOutputTokens),
    busyFraction: ratio(u.busyReplicaSeconds, u.availableReplicaSeconds),
    computeUtilization: ratio(u.flops, u.peakFlops),
    kvUtilization: ratio(u.kvByteSeconds, u.kvCapacityByteSeconds),
    kvPeakUtilization: u.kvPeak,
    memoryBandwidthUtilization: ratio(u.bytesRead, u.peakBytes),
  };
}
