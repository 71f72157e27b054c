/**
 * Requests in flight, as struct-of-arrays with a free list: no object per request, and the
 * arrays only grow to the peak number of requests alive at once (memory independent of the
 * number of requests simulated).
 */
import type { PrefixRef } from "../fleet/prefix-cache.js";

export class RequestStore {
  capacity = 0;
  arrival = new Float64Array(0);
  /** Time the request entered a replica's batch (admission), -1 before. */
  admitted = new Float64Array(0);
  /** The replica's share clock when the request joined its batch (see Replica.shareClock). */
  shareAt = new Float64Array(0);
  /** Time of the first output token (end of prefill), -1 before. */
  firstToken = new Float64Array(0);
  prompt = new Int32Array(0);
  output = new Int32Array(0);
  /** Workload index (tenant x workload) that sent the request. */
  workload = new Int32Array(0);
  /** Position in the workload's route chain: 0 = the requested model, k = fallback k. */
  chainPos = new Int32Array(0);
  /** Route class that queued or placed it. */
  routeClass = new Int32Array(0);
  replica = new Int32Array(0);
  /** 1 for spot work: lowest priority, preempted when others need the capacity. */
  spot = new Uint8Array(0);
  /** KV-cache bytes reserved on the replica. */
  kvBytes = new Float64Array(0);
  /** The request's number within its workload (a stable id for the request log). */
  seq = new Float64Array(0);
  /** Times its progress was lost and it was routed again (spot preemption, an outage). */
  restarts = new Int32Array(0);
  /** Step replicas (src/scheduler/step-replica.ts): tokens whose KV is computed, tokens generated. */
  computed = new Int32Array(0);
  generated = new Int32Array(0);
  /** A decoding request's computed tokens minus its replica's step count (constant while it decodes). */
  decodeBase = new Float64Array(0);
  /** Its neighbours in its replica's list of decoding requests (admission order), and its heap slot. */
  linkPrev = new Int32Array(0);
  linkNext = new Int32Array(0);
  heapPos = new Int32Array(0);
  /** Its place in its replica's running order (admission counter; vLLM serves running requests in it). */
  runSeq = new Float64Array(0);
  /** The prefix its prompt shares with others (prefix caching), or null. */
  prefixRef: Array<PrefixRef | null> = [];
  /** Prompt tokens found cached at its first admission to the replica that serves it (-1 before). */
  cachedPrompt = new Int32Array(0);
  /** kv_aware: prompt tokens the router found cached at the replica it chose (0 under other policies). */
  routedHit = new Int32Array(0);
  private free = new Int32Array(0);
  private freeTop = 0;
  live = 0;

  constructor(initial = 1024) {
    this.grow(initial);
  }

  alloc(): number {
    if (this.freeTop === 0) this.grow(this.capacity * 2);
    this.live++;
    return this.free[--this.freeTop];
  }

  release(r: number): void {
    this.live--;
    this.free[this.freeTop++] = r;
  }

  private grow(cap: number): void {
    const old = this.capacity;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.arrival = f64(this.arrival);
    this.admitted = f64(this.admitted);
    this.shareAt = f64(this.shareAt);
    this.firstToken = f64(this.firstToken);
    this.prompt = i32(this.prompt);
    this.output = i32(this.output);
    this.workload = i32(this.workload);
    this.chainPos = i32(this.chainPos);
    this.routeClass = i32(this.routeClass);
    this.replica = i32(this.replica);
    this.kvBytes = f64(this.kvBytes);
    this.seq = f64(this.seq);
    this.restarts = i32(this.restarts);
    this.computed = i32(this.computed);
    this.generated = i32(this.generated);
    this.decodeBase = f64(this.decodeBase);
    this.linkPrev = i32(this.linkPrev);
    this.linkNext = i32(this.linkNext);
    this.heapPos = i32(this.heapPos);
    this.runSeq = f64(this.runSeq);
    this.cachedPrompt = i32(this.cachedPrompt);
    this.routedHit = i32(this.routedHit);
    for (let i = old; i < cap; i++) this.prefixRef.push(null);
    const spot = new Uint8Array(cap);
    spot.set(this.spot);
    this.spot = spot;
    const free = new Int32Array(cap);
    free.set(this.free.subarray(0, this.freeTop));
    // New slots are handed out lowest index first.
    for (let i = cap - 1; i >= old; i--) free[this.freeTop++] = i;
    this.free = free;
    this.capacity = cap;
  }
}
