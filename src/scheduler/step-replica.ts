/**
 * A vLLM-style replica with chunked prefill and paged KV memory (vLLM V1's default scheduling):
 * the production twin of the step-by-step reference (src/fleet/reference-step-replica.ts). It
 * computes the same first-token and finish times (test/serving/step-replica-equality.test.ts)
 * with no event per decode step.
 *
 * Each step has a token budget (`maxNumBatchedTokens`) and a sequence cap (`maxNumSeqs`). The
 * running requests are served first, in admission order, while the budget lasts: a decode takes
 * one token, a partly prefilled prompt the rest of it, at most long_prefill_token_threshold when
 * set (vLLM V1's cap on every request's new tokens in a step); then waiting requests are admitted
 * first come first served, their prompts cut likewise and to the budget. Without the threshold
 * there is at most one partial prompt, the youngest running request, so the decodes simply go
 * first; with it several prompts can be partial, older than some decodes, and such a step walks
 * the running requests in order (serveInterleaved). KV blocks are taken as tokens are computed; a decode that cannot
 * get a block preempts the youngest running request (recompute: its blocks are freed and it goes
 * back to the head of the waiting line, to prefill its prompt and the tokens it has produced again;
 * swap: its blocks are copied out to host memory and it keeps what it has computed, to be copied
 * back in when admitted again, the copies paid by the steps that make them, as the reference does);
 * a step that preempted admits nobody.
 *
 * Coalescing: a step with no prompt chunk in it is a decode step of the same n requests as the one
 * before, with contexts one token longer. While nothing can be admitted (no one waiting, or the
 * head of the line cannot be), such steps repeat until the first request finishes or the blocks run
 * out, so they run as one stretch whose length and duration are known in closed form
 * (StepTimeModel.decodeRunSeconds; the blocks due follow from each request's context modulo the
 * block size, kept as a histogram). An arrival cuts the stretch at the end of the step in progress.
 * Events per request stay bounded: its prompt chunks, the end of the stretch it finishes in, and
 * the cuts its arrival causes.
 *
 * Prefix caching (src/fleet/prefix-cache.ts): created at the first request with a prefix, the
 * cache keeps the free blocks in vLLM's order; a request admitted with nothing computed takes the
 * leading prefix blocks found cached and prefills only what follows. Without prefixes no cache
 * exists and nothing of it runs.
 *
 * Outside the reference's scope (the router's events): a spot preemption or an outage takes a
 * request out at once; the step in progress keeps its length (the device was already computing).
 */

import type { Clock } from "../engine/simulator.js";
import { blocksFor } from "../fleet/kv-blocks.js";
import { type CachedBlock, emptyHit, PrefixCache, type PrefixRef } from "../fleet/prefix-cache.js";
import type { StepServing } from "../fleet/step-curve.js";
import {
  addDecode,
  addPrefillChunk,
  clearPrefill,
  emptyComposition,
  type StepTimeModel,
} from "../fleet/step-time.js";
import { DecodingSet } from "./decoding-set.js";
import { IntFifo } from "./fifo.js";
import { HostSwap } from "./host-swap.js";
import type { KvView } from "./kv-cost.js";
import type { RequestStore } from "./request-store.js";

/**
 * Prefill work of a request with `left` tokens still to compute, having generated `generated`: all
 * of them, except when the one token left of a request that has generated is its next decode (a
 * request swapped out mid-decode, or the end of a recomputation), which is no prompt work (steps
 * count it as a decode too).
 */
function prefillLeft(left: number, generated: number): number {
  return left === 1 && generated > 0 ? 0 : left;
}

const IDLE = 0;
/** One step in progress whose composition is fixed (prompt chunks, or a preemption). */
const STEP = 1;
/** A stretch of identical decode steps in progress. */
const RUN = 2;

export class StepReplica {
  readonly index: number;
  readonly group: number;
  /** Requests it may hold at once (running and waiting): the router's admission limit. */
  readonly maxBatch: number;
  readonly kvCapacity: number;
  /** From the service curve, for routing predictions only (the replica itself runs step by step). */
  readonly prefillRate: number;
  readonly decode: Float64Array;
  /** Decode steps are counted as they complete (not at a request's completion). */
  readonly stepLevel = true;
  readonly queue = new IntFifo(16);

  present = true;
  alive = true;
  draining = false;
  held = 0;
  spotHeld = 0;
  kvUsed = 0;
  nextEvent = Number.POSITIVE_INFINITY;
  scheduledAt = Number.NaN;
  readonly done: Int32Array;
  doneCount = 0;
  /** Requests preempted for KV blocks in the last step() (read with `preemptedCount`). */
  readonly preempted: Int32Array;
  /** 1 where that preemption swapped the request's blocks out (else it is recomputed). */
  readonly preemptedSwapped: Uint8Array;
  preemptedCount = 0;

  busyAcc = 0;
  heldAcc = 0;
  kvAcc = 0;
  kvPeakUsed = 0;
  stepsAcc = 0;
  shareClock = 0;
  /** KV-shortage preemptions over the replica's life. */
  preemptionsTotal = 0;

  private readonly model: StepTimeModel;
  private readonly B: number;
  private readonly blocks: number;
  private readonly budgetTokens: number;
  private readonly maxSeqs: number;
  private readonly blockBytes: number;
  private blocksUsed = 0;
  /** Host memory for swapped-out blocks (scheduler.preemption: swap). */
  private readonly host: HostSwap;
  /** Prefix cache (null until a request with a prefix is scheduled, and after an outage). */
  private cache: PrefixCache | null = null;
  /** Cached blocks each request holds, by request slot. */
  private prefixHeld: CachedBlock[][] = [];
  private readonly hit = emptyHit();
  /** kv_aware routing's lookups (kept apart from the scheduler's). */
  private readonly routeHit = emptyHit();
  private static readonly NONE: CachedBlock[] = [];

  /** Waiting line (ring buffer; preempted requests go back to its head). */
  private readonly waiting: IntFifo;

  /** Decoding requests. */
  private readonly dec: DecodingSet;
  /**
   * Running requests whose prompt is partly computed, in running order (between steps: all of
   * them; during a step: those the step skipped, the ones it serves being among its chunks). Without
   * long_prefill_token_threshold there is at most one, the youngest running request.
   */
  private parts: Int32Array;
  private partsTmp: Int32Array;
  private pCount = 0;
  /** Next place in the running order (RequestStore.runSeq). */
  private seqNext = 0;
  /** vLLM's long_prefill_token_threshold (0: off). */
  private readonly lpt: number;
  /** The step in progress serves running requests in running order, prompts among decodes. */
  private interleaved = false;
  /** The next decode the interleaved walk serves (-1 once none is left or it was preempted). */
  private cursor = -1;
  /** The step being decided preempted someone. */
  private preemptedNow = false;
  /** Most blocks the next stretch's decodes may take (startNext, headAdmissible). */
  private runBlockLimit = 0;
  /** Chunks of the step being applied that left their prompt partial (in partsTmp). */
  private newParts = 0;

  private mode = IDLE;
  private stepEnd = Number.POSITIVE_INFINITY;
  private readonly chunkIds: Int32Array;
  private readonly chunkLen: Int32Array;
  /** 1 where the chunk continues a prompt that was partial before the step. */
  private readonly chunkPart: Uint8Array;
  private chunkCount = 0;
  private runStart = 0;
  private runN = 0;
  private runC0 = 0;
  private runK = 0;
  /** The stretch's step time: fixed + max(ca + cb k, ma + mb k) (StepTimeModel.decodeRunLines). */
  private readonly runLines = new Float64Array(5);
  /** The stretch began with a line whose head could not be admitted: arrivals cannot change that. */
  private runBlockedHead = false;
  private readonly comp = emptyComposition();
  private lastT: number;

  constructor(
    index: number,
    group: number,
    serving: StepServing,
    /** Its service curve (stepServiceCurve): what the slo_aware router predicts with. */
    curve: { prefillTokensPerS: number; decodeTokensPerS: Float64Array },
    private readonly clock: Clock,
    private readonly req: RequestStore,
    /** Requests held at once (default maxNumSeqs: more wait in the router's queue). */
    admissionLimit = serving.maxNumSeqs,
  ) {
    if (serving.maxNumSeqs > serving.maxNumBatchedTokens) {
      throw new Error("max_num_seqs must not exceed max_num_batched_tokens (as vLLM requires)");
    }
    this.index = index;
    this.group = group;
    this.prefillRate = curve.prefillTokensPerS;
    this.decode = curve.decodeTokensPerS;
    this.model = serving.stepModel;
    this.B = serving.blockSize;
    this.blocks = serving.kvBlocks;
    this.budgetTokens = serving.maxNumBatchedTokens;
    this.maxSeqs = serving.maxNumSeqs;
    this.blockBytes = serving.blockSize * (serving.kvBytesPerToken ?? serving.stepModel.kvBytesPerToken);
    this.kvCapacity = serving.kvBlocks * this.blockBytes;
    this.maxBatch = admissionLimit;
    this.dec = new DecodingSet(serving.blockSize, serving.maxNumSeqs + 1);
    this.chunkIds = new Int32Array(serving.maxNumSeqs + 1);
    this.chunkLen = new Int32Array(serving.maxNumSeqs + 1);
    this.chunkPart = new Uint8Array(serving.maxNumSeqs + 1);
    this.parts = new Int32Array(serving.maxNumSeqs + 1);
    this.partsTmp = new Int32Array(serving.maxNumSeqs + 1);
    this.lpt = serving.longPrefillTokenThreshold ?? 0;
    this.done = new Int32Array(serving.maxNumSeqs + 1);
    this.preempted = new Int32Array(serving.maxNumSeqs + 1);
    this.preemptedSwapped = new Uint8Array(serving.maxNumSeqs + 1);
    this.host = new HostSwap(serving);
    this.waiting = new IntFifo(Math.min(1024, Math.max(16, admissionLimit)));
    this.lastT = clock.now;
  }

  /** KV blocks held now (those of a stretch in progress are counted as its steps are applied). */
  get blocksInUse(): number {
    return this.blocksUsed;
  }

  /**
   * kv_aware routing (src/scheduler/kv-cost.ts): what the router reads of this replica for a prompt
   * of `prompt` tokens with prefix `ref`, its KV events and load taken as instantaneous. Pending
   * tokens: the prompt tokens (and tokens to recompute) not yet computed of the requests waiting,
   * partly prefilled or in the step in progress, and of those queued for it at the router; a
   * request not yet served counts its prompt less the overlap the router found when it chose this
   * replica (`routedHit`), as Dynamo books it. Active blocks: blocks in use now, plus those the same
   * requests' prompts still need. Hit: the leading blocks of this prompt cached now.
   * Changes nothing.
   */
  kvView(ref: PrefixRef | null, prompt: number, out: KvView): void {
    const req = this.req;
    const B = this.B;
    let tokens = 0;
    let blocks = this.blocksUsed;
    // a stretch's decodes take their blocks as its steps are applied: count those of the steps
    // done by now and the one in progress (a single step takes its blocks when it starts)
    const stretchBlocks =
      this.mode === RUN ? this.dec.due(Math.min(this.stepsDoneBy(this.clock.now) + 1, this.runK)) : 0;
    blocks += stretchBlocks;
    for (let k = 0; k < this.waiting.size; k++) {
      const c = this.waiting.at(k);
      const known = req.prompt[c] + req.generated[c];
      // not yet served (its cache lookup is still to come): the overlap seen at routing
      const overlap = req.cachedPrompt[c] < 0 ? req.routedHit[c] : 0;
      tokens += prefillLeft(known - req.computed[c], req.generated[c]) - overlap;
      blocks += blocksFor(known, B) - Math.floor(overlap / B);
    }
    for (let k = 0; k < this.pCount; k++) {
      const c = this.parts[k];
      const known = req.prompt[c] + req.generated[c];
      tokens += prefillLeft(known - req.computed[c], req.generated[c]);
      blocks += blocksFor(known, B) - blocksFor(req.computed[c], B);
    }
    if (this.mode === STEP) {
      for (let j = 0; j < this.chunkCount; j++) {
        const c = this.chunkIds[j];
        if (c < 0) continue;
        const known = req.prompt[c] + req.generated[c];
        tokens += prefillLeft(known - req.computed[c], req.generated[c]);
        // the chunk's blocks were taken when its step started
        blocks += blocksFor(known, B) - blocksFor(req.computed[c] + this.chunkLen[j], B);
      }
    }
    for (let k = 0; k < this.queue.size; k++) {
      const c = this.queue.at(k);
      const overlap = req.routedHit[c];
      tokens += req.prompt[c] - overlap;
      blocks += blocksFor(req.prompt[c], B) - Math.floor(overlap / B);
    }
    out.pendingTokens = tokens;
    out.activeBlocks = blocks;
    out.hitBlocks = 0;
    out.hitInUse = 0;
    if (ref !== null && this.cache !== null) {
      const hit = this.routeHit;
      // as the cache stands once those blocks are taken (the cached ones among them evicted)
      this.cache.lookupAfterTaking(stretchBlocks, ref, prompt, prompt, B, hit);
      out.hitBlocks = hit.count;
      out.hitInUse = hit.count - hit.free;
    }
  }

  /** Blocks of swapped-out requests held in host memory now. */
  get hostBlocksInUse(): number {
    return this.host.used;
  }

  /** KV-shortage preemptions that swapped their victim out, over the replica's life. */
  get swapsTotal(): number {
    return this.host.total;
  }

  get load(): number {
    return this.held + this.queue.size;
  }

  /** True when the replica takes another request now (KV blocks are checked step by step). */
  canAdmit(_kv: number): boolean {
    return this.alive && !this.draining && this.present && this.held < this.maxBatch;
  }

  /** Brings the time integrals up to now. */
  advance(): void {
    const t = this.clock.now;
    const dt = t - this.lastT;
    if (dt > 0) {
      if (this.held > 0) {
        this.busyAcc += dt;
        this.heldAcc += this.held * dt;
        this.kvAcc += this.kvUsed * dt;
        this.shareClock += dt / this.held;
      }
      this.lastT = t;
    }
  }

  /** Takes request r into the waiting line now. */
  admit(r: number): void {
    this.advance();
    const req = this.req;
    req.admitted[r] = this.clock.now;
    req.shareAt[r] = this.shareClock;
    req.replica[r] = this.index;
    req.computed[r] = 0;
    req.generated[r] = 0;
    req.cachedPrompt[r] = req.prefixRef[r] === null ? 0 : -1;
    this.held++;
    this.spotHeld += req.spot[r];
    const wasWaiting = this.waiting.size;
    this.waiting.push(r);
    if (this.mode === IDLE) {
      // Start at the next event at this time, so that requests arriving together share the step.
      if (this.nextEvent === Number.POSITIVE_INFINITY) this.nextEvent = this.clock.now;
    } else if (this.mode === RUN && !(this.runBlockedHead && wasWaiting > 0)) this.cutRun();
  }

  /** Processes what is due now: the step or stretch that ended, then starts the next. */
  step(): void {
    this.doneCount = 0;
    this.preemptedCount = 0;
    this.advance();
    if (this.mode === STEP) this.applyStep();
    else if (this.mode === RUN) this.applyDecodeSteps(this.runK, true);
    this.mode = IDLE;
    this.startNext();
  }

  /** The caller read a completed request: its blocks are already free; this settles spot counts. */
  release(_kv: number, spot: number): void {
    this.spotHeld -= spot;
  }

  /**
   * Takes one spot request out for other work, losing its progress: the last one waiting, else
   * the youngest running. Returns it, or -1 when none is held.
   */
  preemptSpot(): number {
    if (this.spotHeld === 0) return -1;
    this.advance();
    this.materialize();
    const req = this.req;
    let r = -1;
    for (let k = this.waiting.size - 1; k >= 0 && r < 0; k--) {
      const c = this.waiting.at(k);
      if (req.spot[c] === 1) {
        r = c;
        this.waiting.removeAt(k); // waiting requests hold no device blocks; a swapped-out one holds host blocks
        if (req.computed[c] > 0) this.host.used -= blocksFor(req.computed[c], this.B);
      }
    }
    if (r < 0) r = this.takeYoungestSpotRunning();
    if (r < 0) return -1;
    this.held--;
    this.spotHeld--;
    req.computed[r] = 0;
    this.kvUsed = this.blocksUsed * this.blockBytes;
    if (this.held === 0) this.toIdle();
    return r;
  }

  /**
   * Takes the youngest spot request running out (the latest in the running order among the step's
   * chunks, the partial prompts it skipped and the decodes), freeing its blocks; -1 if none.
   */
  private takeYoungestSpotRunning(): number {
    const req = this.req;
    const seq = req.runSeq;
    let j = this.chunkCount - 1;
    while (j >= 0 && (this.chunkIds[j] < 0 || req.spot[this.chunkIds[j]] === 0)) j--;
    let k = this.pCount - 1;
    while (k >= 0 && req.spot[this.parts[k]] === 0) k--;
    let d = this.dec.tail;
    while (d >= 0 && req.spot[d] === 0) d = req.linkPrev[d];
    const c = j >= 0 ? this.chunkIds[j] : -1;
    const p = k >= 0 ? this.parts[k] : -1;
    if (c >= 0 && (p < 0 || seq[c] > seq[p]) && (d < 0 || seq[c] > seq[d])) {
      this.chunkIds[j] = -1;
      this.dropBlocks(c, blocksFor(req.computed[c] + this.chunkLen[j], this.B));
      return c;
    }
    if (p >= 0 && (d < 0 || seq[p] > seq[d])) {
      for (let i = k; i < this.pCount - 1; i++) this.parts[i] = this.parts[i + 1];
      this.pCount--;
      this.dropBlocks(p, blocksFor(req.computed[p], this.B));
      return p;
    }
    if (d < 0) return -1;
    const ctx = req.decodeBase[d] + this.dec.V;
    // A step in progress has already taken the block of the token it computes (one it skipped
    // counts a token less: see DecodingSet.skipFrom).
    this.dropBlocks(d, blocksFor(this.mode === STEP ? ctx + 1 : ctx, this.B));
    this.dec.remove(d, this.req);
    return d;
  }

  /** Takes every held request out (an outage); returns how many were written to `out`. */
  evict(out: number[]): number {
    this.advance();
    const req = this.req;
    let n = 0;
    for (let k = 0; k < this.waiting.size; k++) {
      out.push(this.waiting.at(k));
      n++;
    }
    // the step's new requests, then the prompts that were partial before it
    for (let pass = 0; pass <= 1; pass++) {
      for (let j = 0; j < this.chunkCount; j++) {
        const c = this.chunkIds[j];
        if (c >= 0 && this.chunkPart[j] === pass) {
          out.push(c);
          n++;
        }
      }
    }
    for (let k = 0; k < this.pCount; k++) {
      out.push(this.parts[k]);
      n++;
    }
    for (let c = this.dec.head; c >= 0; c = req.linkNext[c]) {
      out.push(c);
      n++;
    }
    this.waiting.clear();
    this.chunkCount = 0;
    this.pCount = 0;
    this.dec.clear();
    this.held = 0;
    this.spotHeld = 0;
    this.blocksUsed = 0;
    this.host.used = 0;
    // the device's memory is lost with it (and the host's swap space)
    this.cache = null;
    this.prefixHeld = [];
    this.kvUsed = 0;
    this.toIdle();
    return n;
  }

  private toIdle(): void {
    this.mode = IDLE;
    this.dec.V = 0;
    this.chunkCount = 0;
    this.stepEnd = Number.POSITIVE_INFINITY;
    this.nextEvent = this.waiting.size > 0 ? this.clock.now : Number.POSITIVE_INFINITY;
  }

  // ---- steps ----

  /** Decides the next step at now from the state between steps, and sets nextEvent. */
  private startNext(): void {
    const t = this.clock.now;
    if (this.dec.size === 0 && this.pCount === 0 && this.waiting.size === 0) {
      this.toIdle();
      this.kvUsed = this.blocksUsed * this.blockBytes;
      return;
    }
    const free = this.blocks - this.blocksUsed;
    const need1 = this.dec.due(1);
    this.runBlockLimit = free;
    if (
      need1 <= free &&
      this.pCount === 0 &&
      this.dec.size > 0 &&
      !this.headAdmissible(free - need1, need1)
    ) {
      this.startRun(t, this.runBlockLimit);
      return;
    }
    this.startStep(t, need1 > free);
  }

  /**
   * Whether the head of the waiting line could be admitted with `free` blocks after the decodes
   * have taken their `needDecodes`.
   */
  private headAdmissible(free: number, needDecodes: number): boolean {
    if (this.waiting.size === 0) return false;
    const budget = this.budgetTokens - this.dec.size;
    if (budget <= 0 || this.dec.size >= this.maxSeqs) return false;
    const r = this.waiting.peek();
    const req = this.req;
    const known = req.prompt[r] + req.generated[r];
    const ref = req.prefixRef[r];
    // computed > 0 only for one swapped out: it takes all its blocks back, none from the cache
    const computed = req.computed[r];
    if (ref === null || computed > 0) {
      return blocksFor(computed + Math.min(this.cap(known - computed), budget), this.B) <= free;
    }
    const hit = this.hit;
    // as the step will see it: after the decodes have taken their blocks (evicting cached ones)
    this.prefixCache().lookupAfterTaking(needDecodes, ref, req.prompt[r], known, this.B, hit);
    const start = hit.count * this.B;
    if (hit.free + blocksFor(start + Math.min(this.cap(known - start), budget), this.B) - hit.count <= free) {
      return true;
    }
    // a stretch's decodes must not take (evict) the hit's free blocks: the hit shrinks, and the
    // head may then fit
    if (hit.free > 0) this.runBlockLimit = this.prefixCache().blocksBeforeHit(hit, this.runBlockLimit);
    return false;
  }

  /** vLLM's cap on one request's new tokens in a step: above long_prefill_token_threshold, the threshold. */
  private cap(n: number): number {
    return this.lpt > 0 && n > this.lpt ? this.lpt : n;
  }

  private prefixCache(): PrefixCache {
    if (this.cache === null) this.cache = new PrefixCache(this.blocks - this.blocksUsed);
    return this.cache;
  }

  private heldOf(r: number): CachedBlock[] {
    let h = this.prefixHeld[r];
    if (h === undefined) {
      h = [];
      this.prefixHeld[r] = h;
    }
    return h;
  }

  /** Takes n new blocks (with a prefix cache: from its free queue's head, evicting cached ones). */
  private takeBlocks(n: number): void {
    this.blocksUsed += n;
    if (this.cache !== null) this.cache.take(n);
  }

  /** r gives back the `blocks` blocks it holds; returns how many became free (shared ones may not). */
  private dropBlocks(r: number, blocks: number): number {
    const cache = this.cache;
    if (cache === null) {
      this.blocksUsed -= blocks;
      return blocks;
    }
    const freed = cache.release(blocks, this.prefixHeld[r] ?? StepReplica.NONE);
    this.blocksUsed -= freed;
    return freed;
  }

  private startRun(t: number, free: number): void {
    const kmax = this.dec.heap.marks[0] - this.dec.V;
    // The most steps whose blocks the pool holds (at least 1: the first step's are free).
    let lo = 1;
    let hi = kmax;
    // Each request needs at most ceil(k / B) blocks in k steps: when that fits, skip the exact count.
    if (this.dec.size * Math.ceil(hi / this.B) > free && this.dec.due(hi) > free) {
      while (lo < hi) {
        const mid = Math.floor((lo + hi + 1) / 2);
        if (this.dec.due(mid) <= free) lo = mid;
        else hi = mid - 1;
      }
    } else lo = hi;
    this.mode = RUN;
    this.runStart = t;
    this.runN = this.dec.size;
    this.runC0 = this.dec.C;
    this.runK = lo;
    this.model.decodeRunLines(this.runN, this.runC0, this.runLines);
    this.runBlockedHead = this.waiting.size > 0;
    this.noteKvInUse();
    this.nextEvent = t + this.runSeconds(lo);
  }

  /** Seconds from the start of the stretch to the end of its k-th step. */
  private runSeconds(k: number): number {
    return this.model.runSecondsFromLines(this.runLines, k);
  }

  /** An arrival during a stretch: it ends with the step in progress (or now, at a step's end). */
  private cutRun(): void {
    const t = this.clock.now;
    const k = this.stepsDoneBy(t);
    const end = this.runStart + this.runSeconds(k);
    const keep = end >= t ? k : k + 1;
    if (keep >= this.runK) return;
    this.runK = keep;
    this.nextEvent = keep === 0 ? t : this.runStart + this.runSeconds(keep);
  }

  /** Steps of the stretch completed by t (the largest k <= runK with start + S(k) <= t). */
  private stepsDoneBy(t: number): number {
    let lo = 0;
    let hi = this.runK;
    while (lo < hi) {
      const mid = Math.floor((lo + hi + 1) / 2);
      if (this.runStart + this.runSeconds(mid) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Turns a stretch in progress into a single step in progress (before a request is taken out
   * mid-stretch): the steps completed are applied, the one in progress becomes a STEP. No request
   * finishes here: finishes happen only at the stretch's last step, which has its own event.
   */
  private materialize(): void {
    if (this.mode !== RUN) return;
    const k = Math.min(this.stepsDoneBy(this.clock.now), this.runK - 1);
    this.applyDecodeSteps(k, true);
    this.takeBlocks(this.dec.due(1));
    this.mode = STEP;
    this.interleaved = false;
    this.chunkCount = 0;
    this.stepEnd = this.runStart + this.runSeconds(k + 1);
    this.nextEvent = this.stepEnd;
  }

  /**
   * A single step. Running requests first: when every partial prompt is younger than every decode
   * (always without long_prefill_token_threshold), the decodes (after preemptions if blocks are
   * short), then the partial prompts in order; otherwise all of them in running order
   * (serveInterleaved). Then, unless it preempted, admissions.
   */
  private startStep(t: number, short: boolean): void {
    const req = this.req;
    this.host.stepBlocks = 0;
    this.chunkCount = 0;
    this.preemptedNow = false;
    const comp = this.comp;
    clearPrefill(comp);
    let budget: number;
    this.interleaved =
      this.pCount > 0 && this.dec.tail >= 0 && req.runSeq[this.dec.tail] > req.runSeq[this.parts[0]];
    if (this.interleaved) {
      comp.decodes = 0;
      comp.decodeCachedSum = 0;
      budget = this.serveInterleaved();
    } else {
      if (short) this.preemptForDecodes();
      this.takeBlocks(this.dec.due(1));
      budget = this.budgetTokens - this.dec.size;
      comp.decodes = this.dec.size;
      comp.decodeCachedSum = this.dec.C;
      let i = 0;
      while (i < this.pCount && budget > 0) {
        const r = this.parts[i];
        const n = this.servePartial(r, budget);
        if (n === 0) break;
        budget -= n;
        i++;
      }
      this.dropServedParts(i);
    }
    if (!this.preemptedNow) {
      let running = this.dec.size + this.pCount + this.chunkCount;
      while (this.waiting.size > 0 && budget > 0 && running < this.maxSeqs) {
        const r = this.waiting.peek();
        const known = req.prompt[r] + req.generated[r];
        const ref = req.prefixRef[r];
        // computed > 0 only for a request swapped out: it goes on where it stopped
        const start = req.computed[r];
        if (ref !== null && start === 0) {
          if (!this.admitWithPrefix(r, known, budget)) break;
          budget -= this.chunkLen[this.chunkCount - 1];
          running++;
          continue;
        }
        const n = Math.min(this.cap(known - start), budget);
        const b = blocksFor(start + n, this.B);
        if (b > this.blocks - this.blocksUsed) break;
        this.waiting.shift();
        this.takeBlocks(b);
        req.runSeq[r] = this.seqNext++;
        if (start > 0) this.swapIn(r, start, n);
        this.addChunk(r, start, n, 0);
        budget -= n;
        running++;
      }
    }
    if (this.chunkCount === 0 && comp.decodes === 0) {
      // Nothing can run: impossible while the router sends only requests that fit alone.
      throw new Error(`step replica ${this.index} stalled at t=${t}`);
    }
    this.noteKvInUse();
    this.mode = STEP;
    this.stepEnd = t + this.model.stepSeconds(comp);
    // the swap copies run before the step computes (vLLM V0's worker), one after the other
    if (this.host.stepBlocks > 0) this.stepEnd += this.host.stepSeconds();
    this.nextEvent = this.stepEnd;
  }

  /**
   * Schedules the next chunk of r's partial prompt (at most `budget` tokens), preempting the
   * youngest running requests if its blocks are short. Returns its length, or 0 if r itself was
   * preempted.
   */
  private servePartial(r: number, budget: number): number {
    const req = this.req;
    const B = this.B;
    const c = req.computed[r];
    const n = Math.min(this.cap(req.prompt[r] + req.generated[r] - c), budget);
    const extra = blocksFor(c + n, B) - blocksFor(c, B);
    if (!this.makeRoom(extra, r)) return 0;
    this.takeBlocks(extra);
    this.registerPrompt(r, c, n);
    this.addChunk(r, c, n, 1);
    return n;
  }

  /**
   * Serves the running requests in running order, as vLLM V1 does, while the budget lasts: each
   * decode one token, each partial prompt its next chunk; those after the budget ran out skip the
   * step. Returns the budget left.
   */
  private serveInterleaved(): number {
    const req = this.req;
    const seq = req.runSeq;
    let budget = this.budgetTokens;
    let decodes = 0;
    let ctxSum = 0;
    let i = 0;
    this.cursor = this.dec.head;
    while (budget > 0) {
      const d = this.cursor;
      const p = i < this.pCount ? this.parts[i] : -1;
      if (d >= 0 && (p < 0 || seq[d] < seq[p])) {
        const ctx = req.decodeBase[d] + this.dec.V;
        if (ctx % this.B === 0) {
          if (!this.makeRoom(1, d)) break;
          this.takeBlocks(1);
        }
        decodes++;
        ctxSum += ctx;
        budget--;
        this.cursor = req.linkNext[d];
      } else if (p >= 0) {
        const n = this.servePartial(p, budget);
        if (n === 0) break;
        budget -= n;
        i++;
      } else break;
    }
    this.dropServedParts(i);
    this.dec.skipFrom(this.cursor, this.req);
    // added to the decodes of partial prompts with one token left (addChunk)
    this.comp.decodes += decodes;
    this.comp.decodeCachedSum += ctxSum;
    return budget;
  }

  /**
   * Preempts the youngest running requests until `need` blocks are free. False if `r` itself was
   * preempted (it is then the youngest: everyone after it is gone too).
   */
  private makeRoom(need: number, r: number): boolean {
    const req = this.req;
    while (need > this.blocks - this.blocksUsed) {
      const p = this.pCount > 0 ? this.parts[this.pCount - 1] : -1;
      const d = this.dec.tail;
      let victim: number;
      let computed: number;
      if (p >= 0 && (d < 0 || req.runSeq[p] > req.runSeq[d])) {
        victim = p;
        computed = req.computed[p];
        this.pCount--;
        this.dropBlocks(p, blocksFor(computed, this.B));
      } else {
        victim = d;
        computed = req.decodeBase[d] + this.dec.V;
        this.dropBlocks(d, blocksFor(computed, this.B));
        // a decoding request has generated every token after its prompt, and one more
        req.generated[d] = computed - req.prompt[d] + 1;
        if (this.cursor === d) this.cursor = -1;
        this.dec.remove(d, this.req);
      }
      this.requeue(victim, computed);
      this.preemptedNow = true;
      if (victim === r) return false;
    }
    return true;
  }

  /** The partial prompts parts[0 .. served) are among the step's chunks now: the list keeps the rest. */
  private dropServedParts(served: number): void {
    if (served === 0) return;
    const parts = this.parts;
    for (let k = served; k < this.pCount; k++) parts[k - served] = parts[k];
    this.pCount -= served;
  }

  /** r, swapped out with `start` tokens computed, is admitted: its blocks come back from host memory. */
  private swapIn(r: number, start: number, n: number): void {
    this.host.in(blocksFor(start, this.B));
    // its blocks come back as its own: only the prompt blocks it fills from now are registered
    this.registerPrompt(r, start, n);
  }

  /** With a prefix, r registers the full prompt blocks its chunk of n tokens after `computed` fills. */
  private registerPrompt(r: number, computed: number, n: number): void {
    const ref = this.req.prefixRef[r];
    if (ref === null) return;
    const B = this.B;
    this.prefixCache().register(
      ref,
      this.req.prompt[r],
      B,
      Math.floor(computed / B),
      Math.floor((computed + n) / B),
      this.heldOf(r),
    );
  }

  /**
   * Admits the head of the line, r (with a prefix), if its blocks fit: the leading blocks found
   * cached are shared and its prompt chunk starts after them. False (nothing changed) otherwise.
   */
  private admitWithPrefix(r: number, known: number, budget: number): boolean {
    const req = this.req;
    const B = this.B;
    const cache = this.prefixCache();
    const hit = this.hit;
    const ref = req.prefixRef[r]!;
    cache.lookup(ref, req.prompt[r], known, B, hit);
    const start = hit.count * B;
    const n = Math.min(this.cap(known - start), budget);
    const fresh = blocksFor(start + n, B) - hit.count;
    if (hit.free + fresh > this.blocks - this.blocksUsed) return false;
    this.waiting.shift();
    const held = this.heldOf(r);
    this.blocksUsed += hit.free;
    cache.acquire(hit, held);
    this.takeBlocks(fresh);
    cache.register(ref, req.prompt[r], B, hit.count, Math.floor((start + n) / B), held);
    if (req.cachedPrompt[r] < 0) req.cachedPrompt[r] = start;
    req.computed[r] = start;
    req.runSeq[r] = this.seqNext++;
    this.addChunk(r, start, n, 0);
    return true;
  }

  /** Adds r's chunk of n tokens after `cached` to the step; `part`: 1 if r was partial before it. */
  private addChunk(r: number, cached: number, n: number, part: number): void {
    const known = this.req.prompt[r] + this.req.generated[r];
    // the one token left of a request that has generated is a decode (one swapped back in), as the
    // reference classifies it
    if (n === 1 && cached === known - 1 && this.req.generated[r] > 0) addDecode(this.comp, cached);
    else addPrefillChunk(this.comp, cached, n, cached + n === known);
    this.chunkIds[this.chunkCount] = r;
    this.chunkLen[this.chunkCount] = n;
    this.chunkPart[this.chunkCount] = part;
    this.chunkCount++;
  }

  /**
   * Serves the decodes in admission order; one that needs a block the pool lacks preempts the
   * youngest running request (the partial prompts first, youngest first) until it gets one or is itself taken.
   */
  private preemptForDecodes(): void {
    const req = this.req;
    let avail = this.blocks - this.blocksUsed;
    for (let i = this.dec.head; i >= 0; i = req.linkNext[i]) {
      const needs = (req.decodeBase[i] + this.dec.V) % this.B === 0 ? 1 : 0;
      let self = false;
      while (needs > avail) {
        // the partial prompts are the youngest (this is not an interleaved step)
        const fromPartial = this.pCount > 0;
        const victim = fromPartial ? this.parts[this.pCount - 1] : this.dec.tail;
        let computed: number;
        this.preemptedNow = true;
        if (fromPartial) {
          computed = req.computed[victim];
          avail += this.dropBlocks(victim, blocksFor(computed, this.B));
          this.pCount--;
        } else {
          computed = req.decodeBase[victim] + this.dec.V;
          avail += this.dropBlocks(victim, blocksFor(computed, this.B));
          // a decoding request has generated every token after its prompt, and one more
          req.generated[victim] = computed - req.prompt[victim] + 1;
          this.dec.remove(victim, this.req);
        }
        this.requeue(victim, computed);
        if (victim === i) self = true;
        if (self) break;
      }
      if (self) break;
      avail -= needs;
    }
  }

  /**
   * A request preempted for blocks, with `computed` tokens in the blocks it gave up: back to the head
   * of the line, swapped out when swapping and host memory holds its blocks, else to compute its
   * tokens again.
   */
  private requeue(r: number, computed: number): void {
    const swapped = this.host.out(blocksFor(computed, this.B));
    this.req.computed[r] = swapped ? computed : 0;
    this.waiting.pushFront(r);
    this.preemptedSwapped[this.preemptedCount] = swapped ? 1 : 0;
    this.preempted[this.preemptedCount++] = r;
    this.preemptionsTotal++;
  }

  private applyStep(): void {
    this.newParts = 0;
    if (this.interleaved && this.cache !== null) this.applyInOrder();
    else {
      this.applyDecodeSteps(1, false);
      for (let j = 0; j < this.chunkCount; j++) if (this.chunkIds[j] >= 0) this.applyChunk(j);
    }
    this.chunkCount = 0;
    if (this.newParts > 0) {
      // still partial: those among the chunks (older), then those the step skipped
      const next = this.partsTmp;
      next.set(this.parts.subarray(0, this.pCount), this.newParts);
      this.partsTmp = this.parts;
      this.parts = next;
      this.pCount += this.newParts;
    }
  }

  /**
   * Applies an interleaved step with a prefix cache: requests finish in running order, as the
   * reference frees their blocks (the free queue's order decides later evictions).
   */
  private applyInOrder(): void {
    const req = this.req;
    const seq = req.runSeq;
    this.stepsAcc += 1;
    this.dec.V += 1;
    this.dec.C += this.dec.size;
    let r = this.dec.head;
    let j = 0;
    for (;;) {
      while (j < this.chunkCount && this.chunkIds[j] < 0) j++;
      const c = j < this.chunkCount ? this.chunkIds[j] : -1;
      if (r >= 0 && (c < 0 || seq[r] < seq[c])) {
        const next = req.linkNext[r];
        this.finishDecodeIfDone(r);
        r = next;
      } else if (c >= 0) this.applyChunk(j++);
      else break;
    }
  }

  /** Finishes decoding request r if the steps so far produced its last token (blocks freed through the cache). */
  private finishDecodeIfDone(r: number): void {
    const req = this.req;
    if (req.prompt[r] + req.output[r] - 1 - req.decodeBase[r] > this.dec.V) return;
    this.dropBlocks(r, Math.ceil((req.decodeBase[r] + this.dec.V) / this.B));
    this.dec.remove(r, req);
    this.finish(r);
  }

  /** The step's chunk j is computed: its request goes on prefilling, decodes, or finishes. */
  private applyChunk(j: number): void {
    const req = this.req;
    const r = this.chunkIds[j];
    const c = req.computed[r] + this.chunkLen[j];
    req.computed[r] = c;
    if (c !== req.prompt[r] + req.generated[r]) {
      this.partsTmp[this.newParts++] = r;
      return;
    }
    const g = req.generated[r] + 1;
    req.generated[r] = g;
    if (req.firstToken[r] < 0) req.firstToken[r] = this.clock.now;
    if (g >= req.output[r]) {
      this.dropBlocks(r, blocksFor(c, this.B));
      this.finish(r);
    } else this.dec.push(r, c, this.req);
  }

  /** k decode steps of every decoding request; `allocate`: their blocks are taken now. */
  private applyDecodeSteps(k: number, allocate: boolean): void {
    if (k <= 0) return;
    this.stepsAcc += k;
    if (this.dec.size === 0) return;
    if (allocate) this.takeBlocks(this.dec.due(k));
    this.dec.V += k;
    this.dec.C += this.dec.size * k;
    const req = this.req;
    if (this.cache !== null && this.dec.heap.marks[0] <= this.dec.V) {
      // blocks go back to the free queue in admission order, as the reference frees them
      for (let r = this.dec.head; r >= 0; ) {
        const next = req.linkNext[r];
        this.finishDecodeIfDone(r);
        r = next;
      }
      return;
    }
    while (this.dec.size > 0 && this.dec.heap.marks[0] <= this.dec.V) {
      const r = this.dec.heap.ids[0];
      this.blocksUsed -= Math.ceil((req.decodeBase[r] + this.dec.V) / this.B);
      this.dec.remove(r, this.req);
      this.finish(r);
    }
  }

  private finish(r: number): void {
    this.done[this.doneCount++] = r;
    this.held--;
  }

  /** KV bytes held now, and the most held since the last flush, from the blocks in use. */
  private noteKvInUse(): void {
    this.kvUsed = this.blocksUsed * this.blockBytes;
    if (this.kvUsed > this.kvPeakUsed) this.kvPeakUsed = this.kvUsed;
  }
}
