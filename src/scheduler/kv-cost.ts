/**
 * kv_aware routing's cost, as NVIDIA Dynamo's KV router forms it (docs/service-model.md "KV-aware
 * routing"): for each candidate replica,
 *
 *   cost = overlap_weight x prefill blocks + decode blocks
 *
 * prefill blocks = (prompt tokens the replica has still to compute + this request's prompt tokens
 * not found in its cache) / block size; decode blocks = KV blocks in use or due there + this
 * request's blocks not already in use there. The lowest cost wins (temperature 0), else a replica
 * is drawn by softmax over the costs. Pure functions, so that the tests can check them by hand.
 */

/** What the router reads of one candidate replica for a request. */
export interface KvView {
  /** Prompt tokens (and tokens to recompute) its held and queued requests have still to compute. */
  pendingTokens: number;
  /** KV blocks in use on it now plus those its held and queued requests' prompts still need. */
  activeBlocks: number;
  /** Leading blocks of this request's prompt cached there now. */
  hitBlocks: number;
  /** Of those, blocks held by running requests (in use: they take no new block). */
  hitInUse: number;
}

/** An empty view to fill. */
export function emptyKvView(): KvView {
  return { pendingTokens: 0, activeBlocks: 0, hitBlocks: 0, hitInUse: 0 };
}

/**
 * Dynamo's cost of sending a prompt of `prompt` tokens to a replica seen as `v`, with KV blocks of
 * `blockSize` tokens. Lower is better.
 */
export function kvCost(overlapWeight: number, blockSize: number, prompt: number, v: KvView): number {
  const prefillTokens = v.pendingTokens + Math.max(0, prompt - v.hitBlocks * blockSize);
  const newBlocks = Math.max(0, Math.ceil(prompt / blockSize) - v.hitInUse);
  return (overlapWeight * prefillTokens) / blockSize + v.activeBlocks + newBlocks;
}

/**
 * Index of the candidate chosen among costs[0 .. n): temperature 0, the lowest (the first of equal
 * ones); above 0, candidate i with probability proportional to exp(-(cost_i / range) / temperature),
 * range being max - min of the costs (uniform when they are all equal), by the uniform draw u in
 * [0, 1) — Dynamo's softmax_sample.
 */
export function pickByCost(costs: ArrayLike<number>, n: number, temperature: number, u: number): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let best = -1;
  for (let i = 0; i < n; i++) {
    const c = costs[i]!;
    if (c < min) {
      min = c;
      best = i;
    }
    if (c > max) max = c;
  }
  if (temperature === 0 || n <= 1) return best;
  const range = max - min;
  if (range === 0) return Math.min(n - 1, Math.floor(u * n));
  // weights relative to the lowest cost's (exp(0) = 1), so none underflows to zero
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(-(costs[i]! - min) / range / temperature);
  let acc = 0;
  const target = u * sum;
  for (let i = 0; i < n; i++) {
    acc += Math.exp(-(costs[i]! - min) / range / temperature);
    if (target < acc) return i;
  }
  return n - 1;
}
