/**
 * Where a workload's requests enter its route chain in the fluid mode, by length: the request
 * engine skips a chain position whose class cannot hold the request (prompt + output over the
 * model's context, or over the largest replica's KV memory) and rejects one that no position holds.
 * So a request of L tokens enters at the first position whose limit is at least L. With the
 * running maximum M of the limits before a position, its share is P(M < L <= limit), and the
 * share longer than every limit is rejected on arrival.
 *
 * The requests the first position holds carry their band's mean prompt and output tokens (a cut
 * workload's served requests are shorter than its mean; src/fluid/flows.ts). What a position
 * re-routes later (no live replica, a full queue) goes down the chain without a second look at its
 * length, and later positions keep the workload's means.
 */
import { classTokenLimit, type Routes } from "../contract/routes.js";
import type { WorkloadEstimate } from "../workload/source.js";
import { tokenCap } from "../workload/token-sampler.js";
import { LengthTail } from "./length-tail.js";

export interface LengthEntry {
  /** entry[w][pos]: share of workload w's arrivals that enter its chain at position pos. */
  entry: Float64Array[];
  /** tooLong[w]: share of workload w's arrivals no position can hold (rejected on arrival). */
  tooLong: Float64Array;
  /**
   * Mean prompt and output tokens of the requests entering at each position: their band's where
   * lengths cut the workload, else the workload's own.
   */
  meanPrompt: Float64Array[];
  meanOutput: Float64Array[];
}

export function lengthEntry(routes: Routes, estimates: WorkloadEstimate[]): LengthEntry {
  const entry: Float64Array[] = [];
  const tooLong = new Float64Array(routes.workloads.length);
  const meanPrompt: Float64Array[] = [];
  const meanOutput: Float64Array[] = [];
  for (const w of routes.workloads) {
    const limits = Array.from(w.chain, (c) => classTokenLimit(routes.classes[c]));
    const e = estimates[w.index];
    const shares = new Float64Array(limits.length);
    const prompts = new Float64Array(limits.length).fill(e.meanPromptTokens);
    const outputs = new Float64Array(limits.length).fill(e.meanOutputTokens);
    entry.push(shares);
    meanPrompt.push(prompts);
    meanOutput.push(outputs);
    // the longest request the distributions can draw (Infinity without caps); a trace's lengths
    // are not known here (the fluid mode refuses traces; the planner's screen stays optimistic)
    const { promptTokens, outputTokens } = w.spec;
    const longest =
      promptTokens === null || outputTokens === null ? 0 : tokenCap(promptTokens) + tokenCap(outputTokens);
    if (limits.every((l) => l >= longest)) {
      shares[0] = 1;
      continue;
    }
    const tail = new LengthTail(promptTokens, e.meanPromptTokens, outputTokens, e.meanOutputTokens);
    let before = 0; // longest limit so far
    limits.forEach((limit, pos) => {
      if (limit <= before) return;
      const band = tail.band(before, limit);
      shares[pos] = band.share;
      if (band.share > 0) {
        prompts[pos] = band.meanPrompt;
        outputs[pos] = band.meanOutput;
      }
      before = limit;
    });
    tooLong[w.index] = tail.band(before, Number.POSITIVE_INFINITY).share;
  }
  return { entry, tooLong, meanPrompt, meanOutput };
}
