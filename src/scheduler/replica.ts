/**
 * One model replica: a continuous batch within KV-cache memory, simulated exactly with one event
 * per join or leave rather than one per decode step.
 *
 * Decode: with b requests decoding, each advances at decode(b) / b tokens per second. The replica
 * keeps a virtual clock V of tokens produced per request; a request joining at V that still owes
 * n tokens leaves when V reaches V + n, so a small heap of these finish marks gives the next leave.
 *
 * Prefill pauses the batch: admitted requests are prefilled one at a time at the prefill rate while
 * the decoding batch waits (V stands still). The end of a request's prefill is its first token.
 *
 * Prefill ends need no event of their own under continuous batching: nothing observable happens
 * there but the request joining the batch, so the replica schedules the first leave after the
 * whole line of prefills and settles the prefills that ended (first token, finish mark, decode
 * rate) whenever it is next touched, splitting its accumulators at each end exactly as an event
 * there would. A prefill ending in a completion (one output token) still gets its event, as does
 * every prefill under static batching or behind a long line (see LAZY_PREFILLS).
 *
 * Static batching: a batch forms while the replica is empty or still prefilling its first batch;
 * once decoding starts no request joins until the batch has emptied, and every request decodes at
 * decode(B0) / B0 for the batch size B0 it started with (padding keeps the step cost).
 */

import type { Clock } from "../engine/simulator.js";
import { IntFifo } from "./fifo.js";
import type { KvView } from "./kv-cost.js";
import type { RequestStore } from "./request-store.js";

const TOKEN_EPS = 1e-7;
/** Longest prefill line scheduled past in one step (the look-ahead scans the line). */
const LAZY_PREFILLS = 16;

export class Replica {
  readonly index: number;
  readonly group: number;
  readonly maxBatch: number;
  readonly kvCapacity: number;
  readonly prefillRate: number;
  readonly decode: Float64Array;
  readonly staticBatching: boolean;
  /** Decode steps are counted by rate (a batch of one: at completion), not step by step. */
  readonly stepLevel = false;
  /** Per-replica FIFO for policies that route on arrival (unused by shared_queue). */
  readonly queue = new IntFifo(16);

  present = true;
  alive = true;
  draining = false;

  /** Requests held: prefilling + decoding. */
  held = 0;
  /** Spot requests among those held (candidates for preemption). */
  spotHeld = 0;
  kvUsed = 0;

  private readonly pf: Int32Array;
  private pfHead = 0;
  private pfSize = 0;
  /** End of the head prefill, and of the last one in line. */
  private prefillEnd = Number.POSITIVE_INFINITY;
  private chainEnd = Number.POSITIVE_INFINITY;
  /** Requests in the prefill line that complete at their prefill end (one output token). */
  private pfOnes = 0;
  /** Prefill ends are settled lazily (continuous batching with batches above one). */
  private readonly lazy: boolean;

  private readonly marks: Float64Array;
  private readonly ids: Int32Array;
  private dn = 0;
  private V = 0;
  private rate = 0;
  private locked = false;
  /** The request held by a batch-1 replica. */
  private single = -1;
  private lastT = 0;

  /** Time of the replica's pending event (stale queue entries are skipped by comparing to it). */
  nextEvent = Number.POSITIVE_INFINITY;
  /** Time of the event last put in the queue for this replica (NaN when none is pending). */
  scheduledAt = Number.NaN;

  /** Completed requests of the last step(), in order. */
  readonly done: Int32Array;
  doneCount = 0;

  /** Accumulated since the last flush: seconds with at least one request held, and held x seconds. */
  busyAcc = 0;
  heldAcc = 0;
  /** KV bytes in use integrated over time since the last flush, and the most in use at once since then. */
  kvAcc = 0;
  kvPeakUsed = 0;
  /** Decode steps since the last flush (batched replicas; a batch of one counts at completion). */
  stepsAcc = 0;
  /**
   * Share clock: the integral of 1 / held over busy time. A request's share of the replica's busy
   * time is the difference between its value at leaving and at joining, so per-tenant busy
   * replica-seconds add up exactly to the replica's busy seconds.
   */
  shareClock = 0;

  constructor(
    index: number,
    group: number,
    curve: {
      maxBatch: number;
      kvCapacityBytes: number;
      prefillTokensPerS: number;
      decodeTokensPerS: Float64Array;
    },
    staticBatching: boolean,
    /**
     * The simulated clock: whatever the replica is asked to do happens at its time, which each
     * method reads rather than being passed. A float argument to a call V8 does not inline is
     * boxed, an allocation per call, and which calls it inlines varies from process to process.
     */
    private readonly clock: Clock,
    private readonly req: RequestStore,
    /** Off: an event at every prefill end (the tests compare both ways). */
    lazyPrefills = true,
  ) {
    this.index = index;
    this.group = group;
    this.maxBatch = curve.maxBatch;
    this.kvCapacity = curve.kvCapacityBytes;
    this.prefillRate = curve.prefillTokensPerS;
    this.decode = curve.decodeTokensPerS;
    this.staticBatching = staticBatching;
    this.pf = new Int32Array(curve.maxBatch);
    this.marks = new Float64Array(curve.maxBatch);
    this.ids = new Int32Array(curve.maxBatch);
    this.done = new Int32Array(curve.maxBatch);
    this.lastT = clock.now;
    this.lazy = lazyPrefills && !staticBatching && curve.maxBatch > 1;
  }

  /** Requests held plus queued here: the load routing policies compare. */
  get load(): number {
    return this.held + this.queue.size;
  }

  /**
   * kv_aware routing on a replica without KV blocks or prefix cache (a pool serving a model from a
   * measured table): the prompts in its prefill line (the one being prefilled counted whole, like
   * those whose end is not yet settled) and queued for it, and its KV memory reserved plus the
   * queued requests', in blocks of `bytesPerBlock`. No hit.
   */
  kvView(bytesPerBlock: number, out: KvView): void {
    const req = this.req;
    let tokens = 0;
    let bytes = this.kvUsed;
    for (let k = 0; k < this.pfSize; k++) tokens += req.prompt[this.pf[this.pfSlot(k)]];
    for (let k = 0; k < this.queue.size; k++) {
      const c = this.queue.at(k);
      tokens += req.prompt[c];
      bytes += req.kvBytes[c];
    }
    out.pendingTokens = tokens;
    out.activeBlocks = bytes / bytesPerBlock;
    out.hitBlocks = 0;
    out.hitInUse = 0;
  }

  /**
   * True when a request needing `kv` bytes may join the batch now. The router never sends a replica
   * a request larger than its whole KV memory (and rejects on arrival one larger than every replica
   * of its class), so a request waiting here always fits once the batch drains.
   */
  canAdmit(kv: number): boolean {
    return (
      this.alive &&
      !this.draining &&
      this.present &&
      !this.locked &&
      this.held < this.maxBatch &&
      this.kvUsed + kv <= this.kvCapacity
    );
  }

  /** Brings the accounting and the virtual clock up to now (prefills that ended before now included). */
  advance(): void {
    if (this.pfSize > 0 && this.prefillEnd < this.clock.now) this.settle(false);
    this.accumulate(false);
  }

  /**
   * Moves every prefill that ended before now (or at now when `inclusive`) into the decoding batch,
   * in order, accumulating up to each end: the same arithmetic as an event at each end.
   */
  private settle(inclusive: boolean): void {
    const req = this.req;
    const t = this.clock.now;
    while (this.pfSize > 0 && (this.prefillEnd < t || (inclusive && this.prefillEnd === t))) {
      const end = this.prefillEnd;
      this.accumulate(true);
      const r = this.pf[this.pfHead];
      this.pfHead = this.pfSlot(1);
      this.pfSize--;
      req.firstToken[r] = end;
      const remaining = req.output[r] - 1;
      if (remaining <= 0) {
        // Completions happen at events only: such a prefill end always has one (see reschedule).
        if (!inclusive) throw new Error("a completing prefill was passed without its event");
        this.pfOnes--;
        this.finish(r);
      } else this.pushMark(r);
      if (this.pfSize > 0) this.prefillEnd = end + req.prompt[this.pf[this.pfHead]] / this.prefillRate;
      else {
        this.prefillEnd = Number.POSITIVE_INFINITY;
        this.chainEnd = Number.POSITIVE_INFINITY;
        if (this.dn > 0) this.resumeDecode();
      }
    }
  }

  /** Sets the decode rate as the batch resumes after its prefills (static batching locks it). */
  private resumeDecode(): void {
    if (this.staticBatching) {
      if (!this.locked) {
        this.locked = true;
        this.rate = this.decode[this.dn] / this.dn;
      }
    } else {
      this.rate = this.decode[this.dn] / this.dn;
    }
  }

  /**
   * Accumulates busy time, held time, the share clock and V from the last time to now, or with
   * `toPrefillEnd` to the end of the prefill at the head of the line (settle).
   */
  private accumulate(toPrefillEnd: boolean): void {
    const t = toPrefillEnd ? this.prefillEnd : this.clock.now;
    const dt = t - this.lastT;
    if (dt > 0) {
      if (this.held > 0) {
        this.busyAcc += dt;
        this.heldAcc += this.held * dt;
        this.kvAcc += this.kvUsed * dt;
        this.shareClock += dt / this.held;
      }
      if (this.pfSize === 0 && this.dn > 0) {
        // Each decode step gives every decoding request one token: steps advance as V does.
        const steps = this.rate * dt;
        this.V += steps;
        this.stepsAcc += steps;
      }
      this.lastT = t;
    }
  }

  /** Takes request r into the batch now (call canAdmit first). */
  admit(r: number): void {
    if (this.maxBatch === 1) this.admitSingle(r);
    else {
      this.advance();
      this.hold(r);
      this.joinPrefillLine(r);
    }
  }

  /** Records r as held here from now (the accounting is already brought up to now). */
  private hold(r: number): void {
    const req = this.req;
    req.admitted[r] = this.clock.now;
    req.shareAt[r] = this.shareClock;
    req.replica[r] = this.index;
    this.kvUsed += req.kvBytes[r];
    if (this.kvUsed > this.kvPeakUsed) this.kvPeakUsed = this.kvUsed;
    this.held++;
    this.spotHeld += req.spot[r];
  }

  /**
   * Batch of one: nothing can join before r leaves, so its first token and its end are known now;
   * one event instead of two (the same times the general path computes). The replica was idle
   * (canAdmit), so bringing its accounting up to t only moves its clock: nothing accrues while
   * nothing is held.
   */
  private admitSingle(r: number): void {
    const req = this.req;
    const t = this.clock.now;
    if (t > this.lastT) this.lastT = t;
    this.hold(r);
    const first = t + req.prompt[r] / this.prefillRate;
    req.firstToken[r] = first;
    this.single = r;
    const remaining = req.output[r] - 1;
    this.nextEvent = remaining > 0 ? first + remaining / this.decode[1] : first;
  }

  private joinPrefillLine(r: number): void {
    const req = this.req;
    const t = this.clock.now;
    this.pf[this.pfSlot(this.pfSize)] = r;
    this.pfSize++;
    if (req.output[r] <= 1) this.pfOnes++;
    if (this.pfSize === 1) {
      this.prefillEnd = t + req.prompt[r] / this.prefillRate;
      this.chainEnd = this.prefillEnd;
    } else this.chainEnd = this.chainEnd + req.prompt[r] / this.prefillRate;
    this.reschedule();
  }

  /**
   * Processes what is due now: finished prefills and finished decodes. Completed requests
   * are listed in `done` (the caller records and frees them). Sets `nextEvent`.
   */
  step(): void {
    this.doneCount = 0;
    if (this.maxBatch === 1) this.stepSingle();
    else this.stepBatch();
  }

  private stepSingle(): void {
    this.accumulate(false);
    if (this.held === 1 && this.clock.now >= this.nextEvent) {
      this.finish(this.single);
      this.nextEvent = Number.POSITIVE_INFINITY;
    }
  }

  private stepBatch(): void {
    // Finish every prefill due by now (each starts when the previous ends), then decode up to now.
    if (this.pfSize > 0 && this.prefillEnd <= this.clock.now) this.settle(true);
    this.accumulate(false);
    if (this.pfSize === 0) {
      while (this.dn > 0 && this.marks[0] - this.V <= TOKEN_EPS * Math.max(this.marks[0], 1)) {
        this.finish(this.popMark());
      }
    }
    if (this.held === 0) {
      this.V = 0;
      this.locked = false;
    }
    this.reschedule();
  }

  /** Recomputes the end of the prefill line from its head's end (after a request left the line). */
  private lineEnd(): void {
    let end = this.prefillEnd;
    for (let k = 1; k < this.pfSize; k++)
      end = end + this.req.prompt[this.pf[this.pfSlot(k)]] / this.prefillRate;
    this.chainEnd = this.pfSize > 0 ? end : Number.POSITIVE_INFINITY;
  }

  /** Ring position of the k-th prefill in line (0 <= k < maxBatch), without a division. */
  private pfSlot(k: number): number {
    const p = this.pfHead + k;
    return p >= this.maxBatch ? p - this.maxBatch : p;
  }

  private finish(r: number): void {
    this.done[this.doneCount++] = r;
    this.held--;
  }

  /**
   * Takes one spot request out to make room for other work, losing its progress: the last one
   * still waiting for prefill if any (nothing lost yet), else the decoding one with the most tokens
   * left. Returns the request, or -1 when none is held. The caller frees nothing: the KV memory is
   * released here and the request is re-routed by the caller.
   */
  preemptSpot(): number {
    const req = this.req;
    if (this.spotHeld === 0) return -1;
    this.advance();
    let r = -1;
    if (this.maxBatch === 1) {
      r = this.single;
      this.nextEvent = Number.POSITIVE_INFINITY;
    } else {
      for (let i = this.pfSize - 1; i >= 0 && r < 0; i--) {
        const cand = this.pf[this.pfSlot(i)];
        if (req.spot[cand] === 0) continue;
        r = cand;
        for (let j = i; j < this.pfSize - 1; j++) {
          this.pf[this.pfSlot(j)] = this.pf[this.pfSlot(j + 1)];
        }
        this.pfSize--;
        if (i === 0) {
          // The request being prefilled: the next one starts now.
          this.prefillEnd =
            this.pfSize > 0
              ? this.clock.now + req.prompt[this.pf[this.pfHead]] / this.prefillRate
              : Number.POSITIVE_INFINITY;
        }
        if (req.output[r] <= 1) this.pfOnes--;
        this.lineEnd();
      }
      if (r < 0) {
        let best = -1;
        for (let i = 0; i < this.dn; i++) {
          if (req.spot[this.ids[i]] === 1 && (best < 0 || this.marks[i] > this.marks[best])) best = i;
        }
        r = this.ids[best];
        this.removeMarkAt(best);
      }
    }
    this.held--;
    this.spotHeld--;
    this.kvUsed -= req.kvBytes[r];
    if (this.held === 0) {
      this.kvUsed = 0;
      this.V = 0;
      this.locked = false;
    }
    if (this.maxBatch !== 1) this.reschedule();
    return r;
  }

  /** Frees the KV memory of a request listed in `done` (after the caller read what it needs). */
  release(kv: number, spot: number): void {
    this.spotHeld -= spot;
    this.kvUsed -= kv;
    if (this.held === 0) this.kvUsed = 0; // no drift from float sums
  }

  /**
   * Takes every held request out (an outage): their progress is lost and the caller re-routes
   * them. Returns how many were written to `out`.
   */
  evict(out: number[]): number {
    this.advance();
    let n = 0;
    if (this.maxBatch === 1 && this.held === 1) {
      out.push(this.single);
      n++;
    }
    for (let i = 0; i < this.pfSize; i++) {
      out.push(this.pf[this.pfSlot(i)]);
      n++;
    }
    for (let i = 0; i < this.dn; i++) {
      out.push(this.ids[i]);
      n++;
    }
    this.pfSize = 0;
    this.pfHead = 0;
    this.dn = 0;
    this.held = 0;
    this.spotHeld = 0;
    this.kvUsed = 0;
    this.V = 0;
    this.locked = false;
    this.prefillEnd = Number.POSITIVE_INFINITY;
    this.chainEnd = Number.POSITIVE_INFINITY;
    this.pfOnes = 0;
    this.nextEvent = Number.POSITIVE_INFINITY;
    return n;
  }

  private reschedule(): void {
    let next = this.prefillEnd;
    if (this.pfSize > 0 && this.lazy && this.pfOnes === 0 && this.pfSize <= LAZY_PREFILLS) {
      // The first leave after the whole line of prefills: the batch then resumes with every
      // request of the line decoding (the numbers an event at the line's end would compute).
      const req = this.req;
      let mark = this.dn > 0 ? this.marks[0] : Number.POSITIVE_INFINITY;
      for (let k = 0; k < this.pfSize; k++) {
        const m = this.V + (req.output[this.pf[this.pfSlot(k)]] - 1);
        if (m < mark) mark = m;
      }
      const n = this.dn + this.pfSize;
      next = this.chainEnd + (mark - this.V) / (this.decode[n] / n);
    } else if (this.pfSize === 0 && this.dn > 0) {
      this.resumeDecode();
      const leave = this.clock.now + (this.marks[0] - this.V) / this.rate;
      if (leave < next) next = leave;
    }
    this.nextEvent = next;
  }

  /** Adds decoding request r's finish mark: the virtual clock now plus the tokens it still owes. */
  private pushMark(r: number): void {
    const m = this.V + (this.req.output[r] - 1);
    const marks = this.marks;
    const ids = this.ids;
    let i = this.dn++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (marks[p] <= m) break;
      marks[i] = marks[p];
      ids[i] = ids[p];
      i = p;
    }
    marks[i] = m;
    ids[i] = r;
  }

  /** Removes the finish mark at heap position i. */
  private removeMarkAt(i: number): void {
    const last = --this.dn;
    if (i === last) return;
    const m = this.marks[last];
    const id = this.ids[last];
    // Sift the last entry into position i, up or down.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.marks[p] <= m) break;
      this.marks[i] = this.marks[p];
      this.ids[i] = this.ids[p];
      i = p;
    }
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && this.marks[c + 1] < this.marks[c]) c++;
      if (this.marks[c] >= m) break;
      this.marks[i] = this.marks[c];
      this.ids[i] = this.ids[c];
      i = c;
    }
    this.marks[i] = m;
    this.ids[i] = id;
  }

  private popMark(): number {
    const marks = this.marks;
    const ids = this.ids;
    const top = ids[0];
    const n = --this.dn;
    if (n === 0) return top;
    const m = marks[n];
    const id = ids[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && marks[c + 1] < marks[c]) c++;
      if (marks[c] >= m) break;
      marks[i] = marks[c];
      ids[i] = ids[c];
      i = c;
    }
    marks[i] = m;
    ids[i] = id;
    return top;
  }
}
