/**
 * Runs the production StepReplica over the reference replica's requests (each joins the replica's
 * waiting line at its arrival; src/calibrate/replay.ts) and reports the same figures as
 * runReferenceReplica, plus invariant checks made after every event.
 */
import { replayStepReplica } from "../../src/calibrate/replay.js";
import type { ReferenceReplicaConfig, ReferenceRequest } from "../../src/fleet/reference-step-replica.js";

export interface FastRequestResult {
  id: number;
  firstTokenAt: number;
  finishAt: number;
  finishes: number;
  cachedPromptTokens: number;
}

export interface FastRunResult {
  requests: FastRequestResult[];
  preemptions: number;
  swaps: number;
  events: number;
  peakBlocks: number;
  blocksAtEnd: number;
  /** Swapped-out blocks held in host memory: the most at once, and at the end. */
  peakHostBlocks: number;
  hostBlocksAtEnd: number;
  /** Invariant breaches seen after events (empty when none). */
  breaches: string[];
  tokensProduced: number;
}

export function runFastReplica(
  requests: readonly ReferenceRequest[],
  cfg: ReferenceReplicaConfig,
): FastRunResult {
  const order = [...requests].sort((a, b) => a.arrival - b.arrival || a.id - b.id);
  const breaches: string[] = [];
  let peakBlocks = 0;
  let blocksAtEnd = 0;
  let peakHostBlocks = 0;
  let hostBlocksAtEnd = 0;
  const hostTotal = cfg.hostKvBlocks ?? Number.POSITIVE_INFINITY;
  const out = replayStepReplica(
    order.map((q) => ({
      arrivalS: q.arrival,
      promptTokens: q.promptTokens,
      outputTokens: q.outputTokens,
      prefix: q.prefix,
    })),
    cfg,
    {
      afterEvent(rep, now) {
        const b = rep.blocksInUse;
        if (b < 0 || b > cfg.kvBlocks) breaches.push(`blocks in use ${b} of ${cfg.kvBlocks} at ${now}`);
        if (b > peakBlocks) peakBlocks = b;
        blocksAtEnd = b;
        const h = rep.hostBlocksInUse;
        if (h < 0 || h > hostTotal) breaches.push(`host blocks in use ${h} of ${hostTotal} at ${now}`);
        if (h > peakHostBlocks) peakHostBlocks = h;
        hostBlocksAtEnd = h;
      },
    },
  );
  return {
    requests: order.map((q, i) => ({
      id: q.id,
      firstTokenAt: out.firstTokenS[i]!,
      finishAt: out.finishS[i]!,
      finishes: out.finishes[i]!,
      cachedPromptTokens: out.cachedPromptTokens[i]!,
    })),
    preemptions: out.preemptions.reduce((a, b) => a + b, 0),
    swaps: out.swaps.reduce((a, b) => a + b, 0),
    events: out.events,
    peakBlocks,
    blocksAtEnd,
    peakHostBlocks,
    hostBlocksAtEnd,
    breaches,
    tokensProduced: order.reduce((a, q, i) => a + (out.finishes[i]! > 0 ? q.outputTokens : 0), 0),
  };
}
