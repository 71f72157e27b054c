/**
 * Test support: the random request mixes the step replica property tests draw (fast-check), turned
 * into reference requests and a replica configuration: a token budget that cuts prompts across
 * steps, a KV pool from just enough for the largest request (preemptions) upward, shared prefixes
 * (one unit per group like a system prompt, or chains of units shared at their head like a trace's
 * hash ids), swap preemption and vLLM's long_prefill_token_threshold in a share of the mixes.
 */
import { blocksFor } from "../../src/fleet/kv-blocks.js";
import type { PrefixRef } from "../../src/fleet/prefix-cache.js";
import type { ReferenceReplicaConfig, ReferenceRequest } from "../../src/fleet/reference-step-replica.js";

export interface MixDraw {
  blockSize: number;
  maxNumSeqs: number;
  budgetExtra: number;
  requests: Array<{ gap: number; prompt: number; output: number; group: number }>;
  /** Blocks beyond the largest request's need: 0 forces preemptions. */
  spareBlocks: number;
  /** Tokens per unit 0: the whole prefix is one unit. */
  prefix: { tokens: number; groups: number; unit: number } | null;
  /** hostKvBlocks null: host memory for every victim. */
  swap: { hostKvBlocks: number | null; bandwidth: number } | null;
  threshold: number | null;
}

/** The mix's requests (tenants t0 .. t{tenants - 1} in turn when given) and the replica's configuration. */
export function mixConfig(
  d: MixDraw,
  base: ReferenceReplicaConfig,
  tenants = 0,
): { reqs: ReferenceRequest[]; cfg: ReferenceReplicaConfig } {
  const prefix = d.prefix;
  const refs: PrefixRef[] =
    prefix === null ? [] : Array.from({ length: prefix.groups }, (_, g) => prefixOf(prefix, g));
  let t = 0;
  const reqs: ReferenceRequest[] = d.requests.map((q, id) => {
    t += q.gap;
    const r: ReferenceRequest = { id, arrival: t, promptTokens: q.prompt, outputTokens: q.output };
    if (tenants > 0) r.tenant = `t${id % tenants}`;
    if (refs.length > 0) r.prefix = refs[q.group % refs.length];
    return r;
  });
  const biggest = Math.max(...reqs.map((q) => blocksFor(q.promptTokens + q.outputTokens, d.blockSize)));
  const cfg: ReferenceReplicaConfig = {
    ...base,
    blockSize: d.blockSize,
    kvBlocks: biggest + d.spareBlocks,
    maxNumSeqs: d.maxNumSeqs,
    maxNumBatchedTokens: d.maxNumSeqs + d.budgetExtra,
    prefill: "chunked",
    preemption: d.swap === null ? "recompute" : "swap",
    longPrefillTokenThreshold: d.threshold ?? 0,
  };
  // half of the threshold mixes: a budget less than a chunk beyond one token per sequence, so
  // that several prompts are partial at once, older than some decodes, and use the budget up first
  if (d.threshold !== null && d.budgetExtra % 2 === 0) {
    cfg.maxNumBatchedTokens = d.maxNumSeqs + (d.budgetExtra % d.threshold);
  }
  if (d.swap !== null) {
    cfg.swapBandwidthBytesPerS = d.swap.bandwidth;
    if (d.swap.hostKvBlocks === null) delete cfg.hostKvBlocks;
    else cfg.hostKvBlocks = d.swap.hostKvBlocks;
  }
  return { reqs, cfg };
}

/** Group g's prefix: one unit, or a chain whose first unit all groups share. */
export function prefixOf(p: { tokens: number; groups: number; unit: number }, g: number): PrefixRef {
  if (p.unit === 0) return { unitKeys: [g + 1], unitTokens: p.tokens, tokens: p.tokens };
  const units = Math.ceil(p.tokens / p.unit);
  return {
    unitKeys: Array.from({ length: units }, (_, k) => (k === 0 ? 1 : 1000 * (g + 1) + k)),
    unitTokens: p.unit,
    tokens: p.tokens,
  };
}
