/**
 * The decoding requests of a step replica, kept so that a stretch of decode steps costs O(1) per
 * request event rather than per step: a list in running (admission) order, a heap of finish marks,
 * the sum of their contexts, and a histogram of their contexts modulo the block size (which gives
 * the blocks due over the next k steps in O(block size)).
 *
 * A decoding request r has computed `decodeBase[r] + V` tokens, V being the decode steps taken; a
 * step adds one to V (and the request count to C), not to each request.
 */
import { FinishHeap } from "./finish-heap.js";
import type { RequestStore } from "./request-store.js";

export class DecodingSet {
  /** First and last in running order (-1: none), linked by RequestStore.linkNext / linkPrev. */
  head = -1;
  tail = -1;
  /** Sum of the decoding requests' computed tokens. */
  C = 0;
  /** Decode steps taken. */
  V = 0;
  /** Decoding requests by decodeBase modulo the block size. */
  readonly hist: Float64Array;
  /** By finish mark: the V at which each has produced its last token. */
  readonly heap: FinishHeap;

  constructor(
    private readonly B: number,
    capacity: number,
  ) {
    this.hist = new Float64Array(B);
    this.heap = new FinishHeap(capacity);
  }

  get size(): number {
    return this.heap.size;
  }

  /** r starts decoding with `ctx` tokens computed (after the step that completed its prompt). */
  push(r: number, ctx: number, req: RequestStore): void {
    const base = ctx - this.V;
    req.decodeBase[r] = base;
    // in running order: after the last decode admitted before it (the tail, unless a younger
    // prompt finished its prefill first)
    let p = this.tail;
    while (p >= 0 && req.runSeq[p] > req.runSeq[r]) p = req.linkPrev[p];
    const n = p >= 0 ? req.linkNext[p] : this.head;
    req.linkPrev[r] = p;
    req.linkNext[r] = n;
    if (p >= 0) req.linkNext[p] = r;
    else this.head = r;
    if (n >= 0) req.linkPrev[n] = r;
    else this.tail = r;
    this.hist[mod(base, this.B)]++;
    this.C += ctx;
    // It finishes when its context reaches prompt + output - 1.
    this.heap.insert(r, req.prompt[r] + req.output[r] - 1 - base, req.heapPos);
  }

  remove(r: number, req: RequestStore): void {
    const p = req.linkPrev[r];
    const n = req.linkNext[r];
    if (p >= 0) req.linkNext[p] = n;
    else this.head = n;
    if (n >= 0) req.linkPrev[n] = p;
    else this.tail = p;
    const base = req.decodeBase[r];
    this.hist[mod(base, this.B)]--;
    this.C -= base + this.V;
    this.heap.remove(req.heapPos[r], req.heapPos);
  }

  /**
   * The decodes from d to the tail skip the step being decided (its budget ran out before them):
   * their base goes down one, so that the step's end (V + 1) leaves their context as it is.
   */
  skipFrom(d: number, req: RequestStore): void {
    for (; d >= 0; d = req.linkNext[d]) {
      const base = req.decodeBase[d];
      this.hist[mod(base, this.B)]--;
      this.hist[mod(base - 1, this.B)]++;
      req.decodeBase[d] = base - 1;
      this.C -= 1;
      this.heap.remove(req.heapPos[d], req.heapPos);
      this.heap.insert(d, req.prompt[d] + req.output[d] - base, req.heapPos);
    }
  }

  /** Blocks due over the next k decode steps (steps 0 .. k-1). */
  due(k: number): number {
    if (this.heap.size === 0 || k <= 0) return 0;
    // one step: the requests whose context is a whole number of blocks (base = -V modulo B)
    if (k === 1) return this.hist[mod(-this.V, this.B)];
    const B = this.B;
    const hist = this.hist;
    let m = this.V % B; // context modulo B of the requests in hist[0]
    let total = 0;
    for (let r = 0; r < B; r++) {
      const h = hist[r];
      if (h !== 0) {
        const first = m === 0 ? 0 : B - m; // the step whose token starts a new block
        if (first < k) total += h * (Math.floor((k - 1 - first) / B) + 1);
      }
      m = m === B - 1 ? 0 : m + 1;
    }
    return total;
  }

  /** Empties the set (an outage). */
  clear(): void {
    this.head = -1;
    this.tail = -1;
    this.heap.size = 0;
    this.C = 0;
    this.hist.fill(0);
  }
}

function mod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}
