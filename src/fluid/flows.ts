/**
 * Flows: the fluid model's unit of accounting, one per (workload, replica group it may reach
 * through its route chain). A flow carries the workload's mean tokens, the chain position it is
 * served at (> 0: failed over) and the ledger slot (stats row x group) its completions bill to.
 */
import type { Routes } from "../contract/routes.js";
import type { Topology } from "../contract/topology.js";
import { fullRequestsPerS } from "../fleet/operating-point.js";
import { steadyPrefixHitTokens } from "../fleet/prefix-cache.js";
import type { WorkloadEstimate } from "../workload/create-source.js";
import { type LengthEntry, lengthEntry } from "./length-entry.js";
import { promptSplit } from "./prompt-split.js";
import { tokenCv2 } from "./prompt-variability.js";

export interface FlowLayout {
  count: number;
  workload: Int32Array;
  group: Int32Array;
  chainPos: Int32Array;
  statRow: Int32Array;
  /** Ledger slot: one per distinct (stats row, group). */
  slot: Int32Array;
  slotStatRow: Int32Array;
  slotGroup: Int32Array;
  slotFailedOver: Uint8Array;
  prompt: Float64Array;
  /**
   * Of the prompt, tokens a request finds in its replica's prefix cache: a workload's shared
   * prefix on a step-level group, as in the steady state (every group's prefix cached), else 0.
   */
  cached: Float64Array;
  output: Float64Array;
  /** Squared coefficient of variation of the workload's prompt tokens. */
  promptCv2: Float64Array;
  /** Seconds one replica of the group takes to prefill the workload's mean prompt (after the cached part). */
  prefillS: Float64Array;
  /** Requests/s one replica of the group completes when full of this workload's requests. */
  fullRate: Float64Array;
  /** Flows of workload w at chain position k: byChain[w][k]. */
  byChain: Int32Array[][];
  /**
   * model_routing, per workload and chain position: the fraction of requests each target receives
   * (null: no split there), and per flow the target its group belongs to (-1: none, fallback only).
   */
  splitShares: Array<Array<Float64Array | null>>;
  target: Int32Array;
  /** Flows of group g: groupFlows[groupStart[g] .. groupStart[g + 1]). */
  groupStart: Int32Array;
  groupFlows: Int32Array;
  /** Longest route chain (size of the per-workload re-route buffer). */
  maxChain: number;
  /** Where each workload's arrivals enter its chain, by length, and the share rejected as too long. */
  lengths: LengthEntry;
}

export function buildFlows(
  topo: Topology,
  routes: Routes,
  statOfWorkload: Int32Array,
  estimates: WorkloadEstimate[],
): FlowLayout {
  const lengths = lengthEntry(routes, estimates);
  const rows: Array<{
    w: number;
    g: number;
    pos: number;
    target: number;
    prompt: number;
    output: number;
    cv2: number;
  }> = [];
  const splitShares = routes.workloads.map((w) =>
    w.splits.map((split) => {
      if (split === null) return null;
      if (!split.byLength) return split.shares;
      const p = promptSplit(w.spec.promptTokens, estimates[w.index].meanPromptTokens, split.threshold);
      return Float64Array.of(1 - p.long, p.long);
    }),
  );
  const byChain = routes.workloads.map((w) =>
    Array.from(w.chain, (c, pos) => {
      const split = w.splits[pos];
      const mean = estimates[w.index].meanPromptTokens;
      const byLength =
        split?.byLength === true ? promptSplit(w.spec.promptTokens, mean, split.threshold) : null;
      return Int32Array.from(
        routes.classes[c].groups.map((g) => {
          const target =
            split === null ? -1 : split.target.findIndex((t) => routes.classes[t].groups.includes(g));
          // By prompt length, each side's flows carry the mean and spread of the prompts of their side.
          const side = byLength === null || target < 0 ? null : target;
          // At the first position, where only fresh arrivals enter, the requests it can hold carry
          // their band's means (not under a split by length). Later positions also take what earlier
          // ones pass on (an outage's whole traffic), so they keep the workload's means.
          const banded = pos === 0 && byLength === null;
          const output = banded ? lengths.meanOutput[w.index][0] : estimates[w.index].meanOutputTokens;
          const unsplit = banded ? lengths.meanPrompt[w.index][0] : mean;
          const prompt = side === null ? unsplit : side === 1 ? byLength!.meanLong : byLength!.meanShort;
          const cv2 =
            side === null
              ? tokenCv2(w.spec.promptTokens)
              : side === 1
                ? byLength!.cv2Long
                : byLength!.cv2Short;
          rows.push({ w: w.index, g, pos, target, prompt, output, cv2 });
          return rows.length - 1;
        }),
      );
    }),
  );
  const n = rows.length;
  const slotKey = new Map<string, number>();
  const slotStat: number[] = [];
  const slotGroup: number[] = [];
  const slotFo: number[] = [];
  const slot = Int32Array.from(rows, (r) => {
    const key = `${statOfWorkload[r.w]}:${r.g}`;
    let k = slotKey.get(key);
    if (k === undefined) {
      k = slotStat.length;
      slotKey.set(key, k);
      slotStat.push(statOfWorkload[r.w]);
      slotGroup.push(r.g);
      slotFo.push(r.pos > 0 ? 1 : 0);
    }
    return k;
  });
  const prompt = Float64Array.from(rows, (r) => r.prompt);
  const cached = Float64Array.from(rows, (r) => {
    const prefix = routes.workloads[r.w].spec.prefix;
    const serving = topo.groups[r.g].serving;
    return prefix && serving ? steadyPrefixHitTokens(prefix.tokens, r.prompt, serving.blockSize) : 0;
  });
  const output = Float64Array.from(rows, (r) => r.output);
  const G = topo.groups.length;
  const groupStart = new Int32Array(G + 1);
  for (const r of rows) groupStart[r.g + 1]++;
  for (let g = 0; g < G; g++) groupStart[g + 1] += groupStart[g];
  const fill = groupStart.slice(0, G);
  const groupFlows = new Int32Array(n);
  rows.forEach((r, i) => {
    groupFlows[fill[r.g]++] = i;
  });
  return {
    count: n,
    workload: Int32Array.from(rows, (r) => r.w),
    group: Int32Array.from(rows, (r) => r.g),
    chainPos: Int32Array.from(rows, (r) => r.pos),
    statRow: Int32Array.from(rows, (r) => statOfWorkload[r.w]),
    slot,
    slotStatRow: Int32Array.from(slotStat),
    slotGroup: Int32Array.from(slotGroup),
    slotFailedOver: Uint8Array.from(slotFo),
    prompt,
    cached,
    output,
    promptCv2: Float64Array.from(rows, (r) => r.cv2),
    prefillS: Float64Array.from(
      rows,
      (r, i) => (prompt[i] - cached[i]) / topo.groups[r.g].curve.prefillTokensPerS,
    ),
    fullRate: Float64Array.from(rows, (r, i) =>
      fullRequestsPerS(topo.groups[r.g].curve, prompt[i] - cached[i], output[i]),
    ),
    byChain,
    splitShares,
    target: Int32Array.from(rows, (r) => r.target),
    groupStart,
    groupFlows,
    maxChain: Math.max(1, ...routes.workloads.map((w) => w.chain.length)),
    lengths,
  };
}
