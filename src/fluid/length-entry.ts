/**
 * Where a workload's requests enter its route chain in the fluid mode, by length: the request
 * engine skips a chain position whose class cannot hold the request (prompt + output over the
 * model's context, or over the largest replica's KV memory) and rejects one that no position holds.
 * So a request of L tokens enters at the first position whose limit is at least L. With the
 * running maximum M of the limits before a position, its share is P(M < L <= limit), and the
 * share longer than every limit is rejected on arrival.
 *
 * What a position re-routes later (no live replica, a full queue) goes down the chain without a
 * second look at its length: the fluid flows carry a workload's mean tokens, not its lengths.
 */
import { classTokenLimit, type Routes } from "../contract/routes.js";
import type { TokenDist } from "../scenario/types.js";
import type { WorkloadEstimate } from "../workload/source.js";
import { tokenCap } from "../workload/token-sampler.js";
import { LengthTail } from "./length-tail.js";

export interface LengthEntry {
  /** entry[w][pos]: share of workload w's arrivals that enter its chain at position pos. */
  entry: Float64Array[];
  /** tooLong[w]: share of workload w's arrivals no position can hold (rejected on arrival). */
  tooLong: Float64Array;
}

export function lengthEntry(routes: Routes, estimates: WorkloadEstimate[]): LengthEntry {
  const entry: Float64Array[] = [];
  const tooLong = new Float64Array(routes.workloads.length);
  for (const w of routes.workloads) {
    const limits = Array.from(w.chain, (c) => classTokenLimit(routes.classes[c]));
    const shares = new Float64Array(limits.length);
    entry.push(shares);
    // the longest request the distributions can draw (Infinity without caps)
    const longest = capOf(w.spec.promptTokens) + capOf(w.spec.outputTokens);
    if (limits.every((l) => l >= longest)) {
      shares[0] = 1;
      continue;
    }
    const e = estimates[w.index];
    const tail = new LengthTail(
      w.spec.promptTokens,
      e.meanPromptTokens,
      w.spec.outputTokens,
      e.meanOutputTokens,
    );
    let before = 0; // longest limit so far
    let longerThanBefore = 1;
    limits.forEach((limit, pos) => {
      if (limit <= before) return;
      const longer = tail.longer(limit);
      shares[pos] = longerThanBefore - longer;
      before = limit;
      longerThanBefore = longer;
    });
    tooLong[w.index] = longerThanBefore;
  }
  return { entry, tooLong };
}

function capOf(dist: TokenDist | null): number {
  return dist === null ? Number.POSITIVE_INFINITY : tokenCap(dist);
}
