/**
 * The REFERENCE replica: a vLLM-style server simulated one loop iteration per step, written for
 * clarity, not speed. It is the yardstick the fast production replica must equal (same first-token
 * and finish times on the same requests), and it runs the MLPerf checks (docs/service-model.md).
 *
 * Scheduling, as vLLM V1's default (chunked prefill): each step has a token budget
 * (`maxNumBatchedTokens`) and a sequence cap (`maxNumSeqs`). Running requests are served first,
 * in the order they were admitted, each taking what it still needs (a decode: 1 token; a prompt
 * being prefilled: the rest of it) up to what is left of the budget; then waiting requests are
 * admitted in FCFS order, their prompts cut to fit the budget. KV blocks are allocated as tokens
 * are computed; when a running request cannot get a block, the youngest running request is
 * preempted (recompute: its blocks are freed and it goes back to the front of the queue with its
 * prompt and the tokens it has produced to compute again). A step that preempted admits nobody (as
 * vLLM V1).
 *
 * Swap (vLLM V0's `preemption_mode="swap"`): the victim's blocks are copied out to host memory
 * (`hostKvBlocks`, vLLM's swap_space) and it goes back to the front of the queue keeping what it
 * has computed; when admitted again, its blocks are copied back in and it goes on where it stopped
 * (a decode decodes, a prompt cut across steps continues), without recomputing anything. Every
 * accelerator copies its own share of the blocks over its own host link, in parallel, before the
 * step computes (vLLM V0's worker runs the swap copies before the model): the step that preempts
 * pays the copy out, the step that admits it again pays the copy in. A victim whose blocks the host
 * memory cannot hold is recomputed instead (vLLM V0 stops the engine with "Aborted due to the lack
 * of CPU swap space"; a capacity model keeps serving).
 *
 * `prefill: "pause"` is vLLM V0 / Orca style: a step either prefills whole prompts of admitted
 * requests (decodes pause) or decodes every running request.
 *
 * Prefix caching (src/fleet/prefix-cache.ts): a request admitted with nothing computed first takes
 * the leading blocks of its prefix found cached, and its prompt work starts after them.
 */
import { blocksFor, DEFAULT_HOST_LINK_GB_PER_S, KvBlockPool } from "./kv-blocks.js";
import { type CachedBlock, emptyHit, PrefixCache, type PrefixRef } from "./prefix-cache.js";
import { addDecode, addPrefillChunk, emptyComposition, type StepTimeModel } from "./step-time.js";

export interface ReferenceRequest {
  id: number;
  arrival: number;
  promptTokens: number;
  /** Tokens to generate (>= 1). */
  outputTokens: number;
  tenant?: string;
  /** The prefix its prompt shares with others (prefix caching). */
  prefix?: PrefixRef;
}

export interface ReferenceReplicaConfig {
  stepModel: StepTimeModel;
  kvBlocks: number;
  blockSize: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  prefill: "chunked" | "pause";
  preemption: "recompute" | "swap";
  /** Host link bandwidth of one accelerator for swap, bytes/s each way (default 64e9: PCIe Gen5 x16). */
  swapBandwidthBytesPerS?: number;
  /**
   * chunked: most prompt tokens one request computes in a step (vLLM's
   * long_prefill_token_threshold; 0 or absent: no cap beyond the step's budget).
   */
  longPrefillTokenThreshold?: number;
  /** Blocks host memory holds for swapped-out requests (vLLM num_cpu_blocks; default: no limit). */
  hostKvBlocks?: number;
  /**
   * Called with the replica's state over each span of time in which it does not change: every step
   * (once scheduled, before its results land) and every idle gap. Observes only: what the run
   * computes is the same with or without it (test/serving/kv-view.property.test.ts reads it).
   */
  observe?: (span: ReferenceSpan) => void;
}

/** A request's state as the reference holds it (read-only: for observers). */
export interface ReferenceRequestState {
  readonly req: ReferenceRequest;
  /** Tokens whose KV it holds (device or, swapped out, host); a step's chunk counts at its end. */
  readonly computed: number;
  readonly generated: number;
  /** Device KV blocks it holds (a step's blocks are taken when the step is scheduled). */
  readonly blocks: number;
  /** Prompt tokens found cached at its first admission; -1 before it was ever admitted. */
  readonly cachedPrompt: number;
}

/**
 * The replica's state over (from, to]: a step scheduled at `from` whose results land at `to` (the
 * step's end), or an idle gap (nothing running or waiting) up to the next arrival (to = Infinity
 * after the last step). Valid only during the observer's call (the objects go on changing).
 */
export interface ReferenceSpan {
  readonly from: number;
  readonly to: number;
  readonly stepping: boolean;
  /** Running requests in running order, and the waiting line (its head first). */
  readonly running: readonly ReferenceRequestState[];
  readonly waiting: readonly ReferenceRequestState[];
  /** Requests by arrival; those from `unseen` on have not reached the scheduler (arrival > from). */
  readonly arrivals: readonly ReferenceRequestState[];
  readonly unseen: number;
  /** Device KV blocks allocated. */
  readonly blocksInUse: number;
  /** The prefix cache as it stands (its lookup changes nothing). */
  readonly cache: PrefixCache;
}

export interface ReferenceRequestResult {
  id: number;
  tenant: string;
  arrival: number;
  firstTokenAt: number;
  finishAt: number;
  outputTokens: number;
  promptTokens: number;
  preemptions: number;
  /** Of its preemptions, those that swapped its blocks out (not recomputed). */
  swaps: number;
  /** Times the request's result was recorded (must be 1). */
  finishes: number;
  /** Prompt tokens found cached at its first admission (not prefilled). */
  cachedPromptTokens: number;
}

export interface ReferenceRunResult {
  requests: ReferenceRequestResult[];
  steps: number;
  endTime: number;
  tokensProduced: number;
  /** Tokens run through the model (prompt chunks and decodes), recomputation included. */
  tokensComputed: number;
  preemptions: number;
  preemptionsByTenant: Map<string, number>;
  /** Preemptions that swapped the victim's blocks out to host memory. */
  swaps: number;
  swapsByTenant: Map<string, number>;
  /** Host memory's blocks: swapped out, swapped back in, the most held at once, held at the end. */
  hostBlocks: { total: number; swappedOut: number; swappedIn: number; peakInUse: number; inUseAtEnd: number };
  blocks: { total: number; allocated: number; freed: number; peakInUse: number; inUseAtEnd: number };
  /** Largest number of requests running in one step. */
  peakRunning: number;
  /** Cached blocks evicted to make room. */
  prefixEvictions: number;
  /** Most running requests with a partly computed prompt at the start of a step. */
  peakPartialPrompts: number;
  /** Decodes of running requests that skipped a step because its budget ran out before them. */
  decodesSkipped: number;
  /** Steps that began with a partly computed prompt older than a decode (served before it). */
  interleavedSteps: number;
}

interface State {
  req: ReferenceRequest;
  computed: number;
  generated: number;
  blocks: number;
  /** Blocks held in host memory (swap preemption). */
  swappedBlocks: number;
  firstTokenAt: number;
  finishAt: number;
  preemptions: number;
  swaps: number;
  finishes: number;
  /** Cached blocks it holds (hit or registered by it). */
  held: CachedBlock[];
  cachedPrompt: number;
}

const known = (s: State) => s.req.promptTokens + s.generated;

export function runReferenceReplica(
  requests: readonly ReferenceRequest[],
  config: ReferenceReplicaConfig,
): ReferenceRunResult {
  const { stepModel, blockSize, maxNumBatchedTokens, maxNumSeqs } = config;
  for (const r of requests) {
    if (r.outputTokens < 1 || r.promptTokens < 1)
      throw new Error(`request ${r.id}: needs >= 1 prompt and output token`);
    if (blocksFor(r.promptTokens + r.outputTokens, blockSize) > config.kvBlocks) {
      throw new Error(`request ${r.id} can never fit in ${config.kvBlocks} KV blocks`);
    }
  }
  const pool = new KvBlockPool(config.kvBlocks);
  const cache = new PrefixCache(config.kvBlocks);
  const hit = emptyHit();
  // each accelerator copies its own share of a block over its own host link
  const blockBytes = blockSize * stepModel.kvBytesPerTokenPerDevice();
  const hostTotal = config.hostKvBlocks ?? Number.POSITIVE_INFINITY;
  let hostInUse = 0;
  let hostPeak = 0;
  let swappedOut = 0;
  let swappedIn = 0;
  let swaps = 0;
  const swapsByTenant = new Map<string, number>();
  const pending = requests
    .map((req) => ({
      req,
      computed: 0,
      generated: 0,
      blocks: 0,
      swappedBlocks: 0,
      firstTokenAt: Number.NaN,
      finishAt: Number.NaN,
      preemptions: 0,
      swaps: 0,
      finishes: 0,
      held: [] as CachedBlock[],
      cachedPrompt: -1,
    }))
    .sort((a, b) => a.req.arrival - b.req.arrival || a.req.id - b.req.id);
  const all = [...pending];
  let next = 0; // index of the next arrival in `pending`
  const waiting: State[] = [];
  let running: State[] = [];
  let now = 0;
  let steps = 0;
  let tokensProduced = 0;
  let tokensComputed = 0;
  let preemptions = 0;
  let peakRunning = 0;
  let peakPartialPrompts = 0;
  let decodesSkipped = 0;
  let interleavedSteps = 0;
  const isDecode = (s: State) => s.generated > 0 && s.computed === known(s) - 1;
  const preemptionsByTenant = new Map<string, number>();
  let finished = 0;
  const span = (from: number, to: number, stepping: boolean): ReferenceSpan => ({
    from,
    to,
    stepping,
    running,
    waiting,
    arrivals: pending,
    unseen: next,
    blocksInUse: pool.inUse,
    cache,
  });

  const preempt = (victim: State): number => {
    victim.preemptions += 1;
    preemptions += 1;
    const tenant = victim.req.tenant ?? "";
    preemptionsByTenant.set(tenant, (preemptionsByTenant.get(tenant) ?? 0) + 1);
    pool.release(cache.release(victim.blocks, victim.held));
    let swapBytes = 0;
    if (config.preemption === "swap" && hostInUse + victim.blocks <= hostTotal) {
      victim.swappedBlocks = victim.blocks;
      victim.swaps += 1;
      swaps += 1;
      swapsByTenant.set(tenant, (swapsByTenant.get(tenant) ?? 0) + 1);
      hostInUse += victim.blocks;
      swappedOut += victim.blocks;
      if (hostInUse > hostPeak) hostPeak = hostInUse;
      swapBytes = victim.blocks * blockBytes;
    } else victim.computed = 0;
    victim.blocks = 0;
    waiting.unshift(victim);
    return swapBytes;
  };

  /** Takes the blocks `s` needs to hold `tokens` computed tokens; false if the pool lacks them. */
  const grow = (s: State, tokens: number): boolean => {
    const need = blocksFor(tokens, blockSize) - s.blocks;
    if (!pool.tryAllocate(need)) return false;
    cache.take(need);
    s.blocks += Math.max(0, need);
    return true;
  };

  /** vLLM V1's per-request cap on a step's new tokens: above the threshold, the threshold. */
  const threshold = config.longPrefillTokenThreshold ?? 0;
  const chunkCap = (n: number) => (threshold > 0 && n > threshold ? threshold : n);

  /** Registers the prefix blocks `s` fills computing `n` more tokens (at scheduling, as vLLM). */
  const register = (s: State, n: number) => {
    if (s.req.prefix === undefined) return;
    const from = Math.floor(s.computed / blockSize);
    cache.register(
      s.req.prefix,
      s.req.promptTokens,
      blockSize,
      from,
      Math.floor((s.computed + n) / blockSize),
      s.held,
    );
  };

  // nothing has happened before time 0
  config.observe?.(span(Number.NEGATIVE_INFINITY, 0, false));
  while (finished < all.length) {
    while (next < pending.length && pending[next]!.req.arrival <= now) waiting.push(pending[next++]!);
    if (running.length === 0 && waiting.length === 0) {
      const arrival = pending[next]!.req.arrival;
      config.observe?.(span(now, arrival, false));
      now = arrival;
      continue;
    }
    const scheduled: Array<[State, number]> = [];
    let swapBytes = 0;
    let budget = maxNumBatchedTokens;
    let preemptedThisStep = false;

    /** Serves running requests in order, each up to `cap` tokens; preempts the youngest on lack of blocks. */
    const serveRunning = (cap: (s: State) => number) => {
      for (let i = 0; i < running.length && budget > 0; i++) {
        const s = running[i]!;
        const n = Math.min(cap(s), budget);
        let ok = true;
        while (!grow(s, s.computed + n)) {
          const victim = running.pop()!;
          swapBytes += preempt(victim);
          preemptedThisStep = true;
          if (victim === s) {
            ok = false;
            break;
          }
        }
        if (!ok) break;
        register(s, n);
        scheduled.push([s, n]);
        budget -= n;
      }
    };

    /** Admits waiting requests in FCFS order; `whole`: only if the whole remaining prompt fits. */
    const admit = (whole: boolean) => {
      while (waiting.length > 0 && budget > 0 && running.length < maxNumSeqs) {
        const s = waiting[0]!;
        // prefix hit: only for a request with nothing computed (not one swapped out)
        hit.count = 0;
        hit.free = 0;
        if (s.req.prefix !== undefined && s.computed === 0 && s.swappedBlocks === 0) {
          cache.lookup(s.req.prefix, s.req.promptTokens, known(s), blockSize, hit);
        }
        const start = hit.count > 0 ? hit.count * blockSize : s.computed;
        const need = known(s) - start;
        // pause mode: a prompt longer than the budget is admitted alone (V0 needs budget >= max_model_len)
        if (whole && need > budget && scheduled.length > 0) break;
        const n = whole ? need : Math.min(chunkCap(need), budget);
        const swappedBack = s.swappedBlocks;
        const fresh = blocksFor(start + n, blockSize) - hit.count - s.blocks;
        if (hit.free + fresh > pool.free) break;
        if (hit.count > 0) {
          pool.tryAllocate(hit.free);
          cache.acquire(hit, s.held);
          s.blocks = hit.count;
          s.computed = start;
        }
        if (s.cachedPrompt < 0) s.cachedPrompt = start;
        grow(s, s.computed + n);
        register(s, n);
        swapBytes += swappedBack * blockBytes;
        hostInUse -= swappedBack;
        swappedIn += swappedBack;
        s.swappedBlocks = 0;
        waiting.shift();
        running.push(s);
        scheduled.push([s, n]);
        budget -= n;
      }
    };

    if (config.prefill === "chunked") {
      let partials = 0;
      let interleaved = false;
      for (const s of running) {
        if (!isDecode(s)) partials++;
        else if (partials > 0) interleaved = true;
      }
      if (interleaved) interleavedSteps++;
      if (partials > peakPartialPrompts) peakPartialPrompts = partials;
      serveRunning((s) => chunkCap(known(s) - s.computed));
      // the ones served are the first of the running list, in order
      if (budget === 0)
        for (let k = scheduled.length; k < running.length; k++) if (isDecode(running[k]!)) decodesSkipped++;
      if (!preemptedThisStep) admit(false);
    } else {
      admit(true);
      if (scheduled.length === 0) serveRunning(() => 1);
    }

    if (scheduled.length === 0) {
      // nothing can run (every block held by requests that cannot grow): cannot happen, since a
      // lone request always fits (checked above) and preemption frees the others
      throw new Error(`reference replica stalled at t=${now}`);
    }

    const comp = emptyComposition();
    for (const [s, n] of scheduled) {
      const isDecode = n === 1 && s.generated > 0 && s.computed === known(s) - 1;
      if (isDecode) addDecode(comp, s.computed);
      else addPrefillChunk(comp, s.computed, n, s.computed + n === known(s));
    }
    const swapSeconds =
      swapBytes > 0 ? swapBytes / (config.swapBandwidthBytesPerS ?? DEFAULT_HOST_LINK_GB_PER_S * 1e9) : 0;
    const start = now;
    now += stepModel.stepSeconds(comp) + swapSeconds;
    config.observe?.(span(start, now, true));
    steps += 1;
    if (running.length > peakRunning) peakRunning = running.length;

    let anyFinished = false;
    for (const [s, n] of scheduled) {
      s.computed += n;
      tokensComputed += n;
      if (s.computed !== known(s)) continue;
      s.generated += 1;
      tokensProduced += 1;
      if (Number.isNaN(s.firstTokenAt)) s.firstTokenAt = now;
      if (s.generated === s.req.outputTokens) {
        s.finishAt = now;
        s.finishes += 1;
        finished += 1;
        pool.release(cache.release(s.blocks, s.held));
        s.blocks = 0;
        anyFinished = true;
      }
    }
    if (anyFinished) running = running.filter((s) => Number.isNaN(s.finishAt));
  }
  config.observe?.(span(now, Number.POSITIVE_INFINITY, false));

  return {
    requests: all.map((s) => ({
      id: s.req.id,
      tenant: s.req.tenant ?? "",
      arrival: s.req.arrival,
      firstTokenAt: s.firstTokenAt,
      finishAt: s.finishAt,
      outputTokens: s.generated,
      promptTokens: s.req.promptTokens,
      preemptions: s.preemptions,
      swaps: s.swaps,
      finishes: s.finishes,
      cachedPromptTokens: Math.max(0, s.cachedPrompt),
    })),
    steps,
    endTime: now,
    tokensProduced,
    tokensComputed,
    preemptions,
    preemptionsByTenant,
    swaps,
    swapsByTenant,
    hostBlocks: { total: hostTotal, swappedOut, swappedIn, peakInUse: hostPeak, inUseAtEnd: hostInUse },
    blocks: {
      total: pool.total,
      allocated: pool.allocatedTotal,
      freed: pool.freedTotal,
      peakInUse: pool.peakInUse,
      inUseAtEnd: pool.inUse,
    },
    peakRunning,
    prefixEvictions: cache.evictions,
    peakPartialPrompts,
    decodesSkipped,
    interleavedSteps,
  };
}
