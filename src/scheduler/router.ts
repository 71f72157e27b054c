/**
 * The router: places each request on a replica of its route class, queues it, or reports that it
 * cannot (queue full, or no live replica) so the caller can try the next fallback model.
 *
 * shared_queue keeps one FIFO per route class at the router and hands the head to the least-loaded
 * replica with room; the other policies pick a replica on arrival and queue there.
 */

import type { RouteClass, Routes } from "../contract/routes.js";
import type { Topology } from "../contract/topology.js";
import type { RandomStream } from "../engine/random.js";
import type { KvAwareSpec, PrefixAffinitySpec, RoutingPolicy } from "../scenario/types.js";
import { ClassMinIndex } from "./class-min-index.js";
import { IntFifo } from "./fifo.js";
import { emptyKvView, kvCost, pickByCost } from "./kv-cost.js";
import { LoadBuckets, NO_KEY } from "./load-buckets.js";
import { PrefixIndex } from "./prefix-index.js";
import type { RequestStore } from "./request-store.js";
import type { ServingReplica as Replica } from "./serving-replica.js";

export const PLACED = 0;
export const QUEUED = 1;
export const FULL = 2;
export const NO_REPLICA = 3;

export interface GroupEconomics {
  /** Infrastructure cost of the group's replica per output token at full batch (USD). */
  costPerToken: number;
}

/** What the SLO-based policies need to know of a request. */
export interface SloQuery {
  ttftS: number;
  tpotS: number;
}

/**
 * The simulation the router works for. An object with methods rather than callbacks: every run's
 * host is of one class, so the call sites stay monomorphic from one run to the next in a process.
 */
export interface RouterHost {
  /** A placement changed the replica's batch (a request admitted, or spot work preempted): schedule its next event. */
  ensureScheduled(rep: Replica): void;
  /** A spot request was taken out of a batch to make room: route it again. */
  preempted(r: number): void;
}

const DETACHED: RouterHost = { ensureScheduled() {}, preempted() {} };

/** Classes of this many groups or more keep a ClassMinIndex instead of scanning their groups. */
export const INDEXED_CLASS_GROUPS = 8;

/** Routing policies as small integers, so the per-request dispatch compares no strings. */
const POLICY_CODES: Record<RoutingPolicy, number> = {
  least_loaded: 0,
  round_robin: 1,
  power_of_two: 2,
  cost_aware: 3,
  slo_aware: 4,
  shared_queue: 5,
  prefix_affinity: 6,
  kv_aware: 7,
};

/** SGLang's cache-aware defaults (docs/service-model.md "Prefix-aware routing"). */
export const PREFIX_AFFINITY_DEFAULTS: PrefixAffinitySpec = {
  cacheThreshold: 0.3,
  balanceAbsThreshold: 64,
  balanceRelThreshold: 1.5,
  indexTokens: null,
};

/** Dynamo's KV router defaults: overlap_score_weight 1, router_temperature 0 (docs/service-model.md "KV-aware routing"). */
export const KV_AWARE_DEFAULTS: KvAwareSpec = { overlapWeight: 1, temperature: 0 };

/** kv_aware's tuning and scratch: the block size its costs count in, and per group a KV block's bytes. */
interface KvAwareState {
  spec: KvAwareSpec;
  blockSize: number;
  blockBytes: Float64Array;
  view: ReturnType<typeof emptyKvView>;
  costs: Float64Array;
  /** Per candidate, the leading blocks of the prompt cached there. */
  hits: Int32Array;
  picks: Array<Replica | null>;
}

export class Router {
  private readonly heaps: LoadBuckets[];
  private readonly policyCode: number;
  private readonly shared: boolean;
  /** Classes' groups sorted by cost per token, for cost_aware. */
  private readonly costOrder: number[][];
  /** What the router tells the simulation it works for (set before the first placement). */
  host: RouterHost = DETACHED;
  /** Spot requests preempted for the request being placed, re-routed once it holds its slot. */
  private readonly victims: number[] = [];
  /** Per group: its first replica index and a replica's KV memory (flat, for the hot path). */
  private readonly groupFirst: Int32Array;
  private readonly groupKv: Float64Array;
  /** Spot requests held per group, to find one to preempt without scanning idle groups. */
  private readonly spotByGroup: Int32Array;
  /** Whether any workload is spot work (else nothing is ever preempted, and no look is taken). */
  private readonly anySpot: boolean;
  /** Per route class: its shared FIFO (shared_queue only) and its round-robin cursor. */
  private readonly queues: IntFifo[];
  private readonly cursors: Int32Array;
  /** Per route class: its least-loaded index when it has INDEXED_CLASS_GROUPS groups or more. */
  private readonly classIndex: Array<ClassMinIndex | null>;
  /** Per group: (class, position) pairs of the indexes it is in, and its least load they hold. */
  private readonly indexLinks: number[][];
  private readonly indexedKey: Int32Array;
  private readonly anyIndex: boolean;
  /** prefix_affinity: its tuning and the router's record of the prefixes it sent each replica. */
  private readonly affinity: PrefixAffinitySpec;
  private readonly prefixIndex: PrefixIndex | null;
  /** kv_aware: null under the other policies. */
  private readonly kv: KvAwareState | null;

  constructor(
    policy: RoutingPolicy,
    private readonly topo: Topology,
    /** By replica index; null for the groups another part of the fleet owns (never routed to here). */
    private readonly replicas: ReadonlyArray<Replica | null>,
    private readonly routes: Routes,
    private readonly req: RequestStore,
    private readonly maxQueuePerReplica: number,
    private readonly rng: RandomStream,
    economics: GroupEconomics[],
    affinity: PrefixAffinitySpec = PREFIX_AFFINITY_DEFAULTS,
    kvAware: KvAwareSpec = KV_AWARE_DEFAULTS,
    /** Tokens per KV block (scheduler.block_size): the unit kv_aware's costs count in. */
    blockSize = 16,
  ) {
    this.shared = policy === "shared_queue";
    this.policyCode = POLICY_CODES[policy];
    const unbuilt = new LoadBuckets(0);
    this.heaps = topo.groups.map((g) => {
      if (g.slots > 0 && replicas[g.firstReplica] === null) return unbuilt;
      const h = new LoadBuckets(g.slots);
      for (let i = 0; i < g.slots; i++) h.set(i, this.keyOf(replicas[g.firstReplica + i]!));
      return h;
    });
    this.spotByGroup = new Int32Array(topo.groups.length);
    this.queues = routes.classes.map(() => new IntFifo(this.shared ? 64 : 1));
    this.cursors = new Int32Array(routes.classes.length);
    this.indexLinks = topo.groups.map(() => []);
    this.indexedKey = Int32Array.from(this.heaps, (h) => h.leastKey());
    this.classIndex = routes.classes.map((c) => {
      if (c.groups.length < INDEXED_CLASS_GROUPS) return null;
      const index = new ClassMinIndex(c.groups.length);
      c.groups.forEach((g, position) => {
        index.set(position, this.indexedKey[g]);
        this.indexLinks[g].push(c.index, position);
      });
      return index;
    });
    this.anyIndex = this.classIndex.some((x) => x !== null);
    this.anySpot = routes.workloads.some((w) => w.tenant.contract.type === "spot");
    this.groupFirst = Int32Array.from(topo.groups.map((g) => g.firstReplica));
    this.groupKv = Float64Array.from(topo.groups.map((g) => g.curve.kvCapacityBytes));
    this.costOrder = routes.classes.map((c) =>
      [...c.groups].sort((a, b) => economics[a].costPerToken - economics[b].costPerToken || a - b),
    );
    this.affinity = affinity;
    this.prefixIndex = policy === "prefix_affinity" ? new PrefixIndex(indexBounds(topo, affinity)) : null;
    this.kv =
      policy === "kv_aware"
        ? {
            spec: kvAware,
            blockSize,
            blockBytes: Float64Array.from(topo.groups, (g) => blockSize * g.model.kvBytesPerToken),
            view: emptyKvView(),
            costs: new Float64Array(topo.replicaCount),
            hits: new Int32Array(topo.replicaCount),
            picks: new Array<Replica | null>(topo.replicaCount).fill(null),
          }
        : null;
  }

  private keyOf(rep: Replica): number {
    return rep.present && rep.alive && !rep.draining ? rep.load : NO_KEY;
  }

  /** Call after anything changes a replica's load or availability. */
  touch(rep: Replica): void {
    this.heaps[rep.group].set(rep.index - this.groupFirst[rep.group], this.keyOf(rep));
    if (this.anyIndex) this.reindex(rep.group);
  }

  /** Passes group g's least load on to the class indexes it is in, when it changed. */
  private reindex(g: number): void {
    const key = this.heaps[g].leastKey();
    if (key === this.indexedKey[g]) return;
    this.indexedKey[g] = key;
    const links = this.indexLinks[g];
    for (let k = 0; k < links.length; k += 2) this.classIndex[links[k]]!.set(links[k + 1], key);
  }

  private admit(rep: Replica, r: number): void {
    rep.admit(r);
    this.spotByGroup[rep.group] += this.req.spot[r];
    this.touch(rep);
    this.host.ensureScheduled(rep);
  }

  /** Requests waiting in the shared queues (shared_queue routing). */
  queuedTotal(): number {
    let n = 0;
    for (const q of this.queues) n += q.size;
    return n;
  }

  /** A held request left its replica (completed or evicted): keeps the spot counts right. */
  released(rep: Replica, r: number): void {
    this.spotByGroup[rep.group] -= this.req.spot[r];
  }

  /** Call before a replica's batch is emptied by an outage (Replica.evict). */
  evicting(rep: Replica): void {
    this.spotByGroup[rep.group] -= rep.spotHeld;
    // its cache is lost with it; a real router drops a failed worker's tree as well
    this.prefixIndex?.clear(rep.index);
  }

  /** Hands the preempted spot requests back to the caller, after the request that displaced them is in. */
  private flushVictims(): void {
    while (this.victims.length > 0) this.host.preempted(this.victims.shift()!);
  }

  /**
   * Makes room for non-spot request r by preempting spot work: on `preferred` if it holds some,
   * else on the first replica of the class that does. Returns the replica now able to admit r.
   */
  private preemptFor(cls: RouteClass, r: number, preferred: Replica | null): Replica | null {
    const kv = this.req.kvBytes[r];
    const tryOn = (rep: Replica): boolean => {
      if (rep.kvCapacity < kv) return false;
      while (rep.spotHeld > 0 && !rep.canAdmit(kv)) {
        const victim = rep.preemptSpot();
        this.spotByGroup[rep.group]--;
        this.touch(rep);
        this.victims.push(victim);
      }
      // Preempting moved its next event, whether or not r is then admitted here.
      this.host.ensureScheduled(rep);
      return rep.canAdmit(kv);
    };
    if (preferred !== null && preferred.spotHeld > 0 && tryOn(preferred)) return preferred;
    for (const g of cls.groups) {
      if (this.spotByGroup[g] === 0) continue;
      const grp = this.topo.groups[g];
      for (let i = 0; i < grp.slots; i++) {
        const rep = this.replicas[grp.firstReplica + i]!;
        if (rep.spotHeld > 0 && this.available(rep) && tryOn(rep)) return rep;
      }
    }
    return null;
  }

  /** Least-loaded available replica of the class whose KV memory can hold `kv` bytes, or null. */
  private leastLoaded(cls: RouteClass, kv: number): Replica | null {
    const index = this.classIndex[cls.index];
    if (index !== null) {
      const position = index.min();
      if (position < 0) return null;
      const g = cls.groups[position];
      // The first group of least load, as the scan below finds it, unless it is too small for kv.
      if (this.groupKv[g] >= kv) return this.replicas[this.groupFirst[g] + this.heaps[g].min()];
    }
    let best = -1;
    let bestKey = Number.POSITIVE_INFINITY;
    const groups = cls.groups;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (this.groupKv[g] < kv) continue;
      const h = this.heaps[g];
      const m = h.min();
      if (m < 0) continue;
      const k = h.key(m);
      if (k < bestKey) {
        bestKey = k;
        best = this.groupFirst[g] + m;
      }
    }
    return best < 0 ? null : this.replicas[best];
  }

  /** Places request r now (the clock's time): PLACED, QUEUED, FULL or NO_REPLICA. */
  place(cls: RouteClass, r: number, slo: SloQuery | null): number {
    return this.shared ? this.placeShared(cls, r) : this.placeOnReplica(cls, r, slo);
  }

  /** shared_queue: straight into the least-loaded replica when the class queue is empty, else queued. */
  private placeShared(cls: RouteClass, r: number): number {
    const kv = this.req.kvBytes[r];
    const rep = this.leastLoaded(cls, kv);
    if (rep === null) return NO_REPLICA;
    const queue = this.queues[cls.index];
    if (queue.size === 0 && rep.canAdmit(kv)) {
      this.admit(rep, r);
      return PLACED;
    }
    if (this.anySpot && this.req.spot[r] === 0 && this.preemptAndAdmit(cls, r, rep, false)) return PLACED;
    if (queue.size >= this.maxQueuePerReplica * cls.slots) return FULL;
    queue.push(r);
    return QUEUED;
  }

  /** The other policies: a replica chosen on arrival, queued there when it has no room. */
  private placeOnReplica(cls: RouteClass, r: number, slo: SloQuery | null): number {
    const kv = this.req.kvBytes[r];
    let rep = this.choose(cls, r, slo);
    // A policy may pick a replica too small for this request (mixed replica sizes in one class).
    if (rep !== null && rep.kvCapacity < kv) rep = this.leastLoaded(cls, kv);
    if (rep === null) return NO_REPLICA;
    if (rep.queue.size === 0 && rep.canAdmit(kv)) {
      this.admit(rep, r);
      return PLACED;
    }
    if (this.anySpot && this.req.spot[r] === 0 && this.preemptAndAdmit(cls, r, rep, true)) return PLACED;
    if (rep.queue.size >= this.maxQueuePerReplica) return FULL;
    rep.queue.push(r);
    this.req.replica[r] = rep.index;
    this.touch(rep);
    return QUEUED;
  }

  /**
   * Off the hot path: makes room for non-spot request r by preempting spot work and admits it
   * there (when `emptyQueue`, only on a replica with no queue of its own). The preempted requests
   * are re-routed after r holds its slot. Returns whether r was admitted.
   */
  private preemptAndAdmit(cls: RouteClass, r: number, preferred: Replica, emptyQueue: boolean): boolean {
    const freed = this.preemptFor(cls, r, preferred);
    const ok = freed !== null && (!emptyQueue || freed.queue.size === 0);
    if (ok) this.admit(freed, r);
    this.flushVictims();
    return ok;
  }

  /**
   * Moves queued requests into a replica that has room (after completions, or when it comes up).
   * The caller schedules the replica's next event afterwards (once, not per request admitted).
   */
  refill(rep: Replica): void {
    if (this.shared) this.refillShared(rep);
    else this.refillOwnQueue(rep);
    this.touch(rep);
  }

  private refillOwnQueue(rep: Replica): void {
    const req = this.req;
    const q = rep.queue;
    while (q.size > 0 && rep.canAdmit(req.kvBytes[q.peek()])) {
      const r = q.shift();
      rep.admit(r);
      this.spotByGroup[rep.group] += req.spot[r];
    }
  }

  /** shared_queue: the earliest-arrived head among the queues of the classes this group serves. */
  private refillShared(rep: Replica): void {
    const req = this.req;
    const classes = this.routes.classesByGroup[rep.group];
    const queues = this.queues;
    for (;;) {
      let pick: IntFifo | null = null;
      let earliest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < classes.length; i++) {
        const q = queues[classes[i]];
        if (q.size === 0) continue;
        const a = req.arrival[q.peek()];
        if (a < earliest) {
          earliest = a;
          pick = q;
        }
      }
      if (pick === null || !rep.canAdmit(req.kvBytes[pick.peek()])) return;
      const r = pick.shift();
      rep.admit(r);
      this.spotByGroup[rep.group] += req.spot[r];
    }
  }

  private choose(cls: RouteClass, r: number, slo: SloQuery | null): Replica | null {
    switch (this.policyCode) {
      case 1:
        return this.roundRobin(cls);
      case 2:
        return this.powerOfTwo(cls, this.req.kvBytes[r]);
      case 3:
        return this.costAware(cls, r, slo);
      case 4:
        return this.sloAware(cls, r, slo);
      case 6:
        return this.prefixAffinity(cls, r);
      case 7:
        return this.kvAware(cls, r);
      default:
        return this.leastLoaded(cls, this.req.kvBytes[r]);
    }
  }

  /** The replica at position i of the class's concatenated groups. */
  private at(cls: RouteClass, i: number): Replica {
    for (const g of cls.groups) {
      const grp = this.topo.groups[g];
      if (i < grp.slots) return this.replicas[grp.firstReplica + i]!;
      i -= grp.slots;
    }
    throw new Error("replica position out of range");
  }

  private available(rep: Replica): boolean {
    return rep.present && rep.alive && !rep.draining;
  }

  private roundRobin(cls: RouteClass): Replica | null {
    const c = cls.index;
    for (let tries = 0; tries < cls.slots; tries++) {
      const rep = this.at(cls, this.cursors[c]);
      this.cursors[c] = (this.cursors[c] + 1) % cls.slots;
      if (this.available(rep)) return rep;
    }
    return null;
  }

  /**
   * After an outage: empties into `out`, in class order, the shared queues of the classes left with
   * no replica in service, so their requests fail over like the ones the outage evicted. A group
   * has one in service exactly when its load index has a key (see keyOf).
   */
  drainStranded(out: number[]): void {
    for (const cls of this.routes.classes) {
      const q = this.queues[cls.index];
      if (q.size === 0) continue;
      const anyLive = cls.groups.some((g) => this.heaps[g].leastKey() !== NO_KEY);
      if (!anyLive) q.drain((r) => out.push(r));
    }
  }

  /** Requests waiting in the shared queues of model m's route classes (shared_queue routing). */
  sharedQueued(m: number): number {
    let n = 0;
    for (const c of this.routes.classes) if (c.modelIndex === m) n += this.queues[c.index].size;
    return n;
  }

  private powerOfTwo(cls: RouteClass, kv: number): Replica | null {
    if (cls.slots === 0) return null;
    const a = this.at(cls, Math.floor(this.rng.next() * cls.slots));
    const b = this.at(cls, Math.floor(this.rng.next() * cls.slots));
    const aOk = this.available(a);
    const bOk = this.available(b);
    if (aOk && bOk) return b.load < a.load ? b : a;
    if (aOk) return a;
    if (bOk) return b;
    return this.leastLoaded(cls, kv);
  }

  /**
   * Predicted time to first token and time per output token if request r joined this replica:
   * the prefills ahead of it (queued and held requests' prompts, estimated by r's own prompt)
   * plus its own, and the per-request decode speed at the batch it would join.
   */
  private predict(rep: Replica, r: number): { ttft: number; tpot: number } {
    const prompt = this.req.prompt[r];
    const ahead = rep.queue.size + (rep.held >= rep.maxBatch ? 1 : 0);
    const ttft = ((ahead + 1) * prompt) / rep.prefillRate;
    const b = Math.min(rep.held + 1, rep.maxBatch, rep.decode.length - 1);
    const tpot = b / rep.decode[b];
    return { ttft, tpot };
  }

  private meets(rep: Replica, r: number, slo: SloQuery | null): boolean {
    if (rep.load >= rep.maxBatch + this.maxQueuePerReplica) return false;
    if (slo === null) return rep.load < rep.maxBatch;
    const p = this.predict(rep, r);
    return p.ttft <= slo.ttftS && p.tpot <= slo.tpotS;
  }

  /** Cheapest group (infrastructure cost per token) whose least-loaded replica is expected to meet the SLO. */
  private costAware(cls: RouteClass, r: number, slo: SloQuery | null): Replica | null {
    for (const g of this.costOrder[cls.index]) {
      const h = this.heaps[g];
      const m = h.min();
      if (m < 0) continue;
      const rep = this.replicas[this.topo.groups[g].firstReplica + m]!;
      if (rep.kvCapacity >= this.req.kvBytes[r] && this.meets(rep, r, slo)) return rep;
    }
    return this.leastLoaded(cls, this.req.kvBytes[r]);
  }

  /** The least-loaded replica of each group, the one with the smallest predicted TTFT among those meeting the TPOT target. */
  private sloAware(cls: RouteClass, r: number, slo: SloQuery | null): Replica | null {
    let best: Replica | null = null;
    let bestTtft = Number.POSITIVE_INFINITY;
    let fallback: Replica | null = null;
    let fallbackTtft = Number.POSITIVE_INFINITY;
    for (const g of cls.groups) {
      const h = this.heaps[g];
      const m = h.min();
      if (m < 0) continue;
      const rep = this.replicas[this.topo.groups[g].firstReplica + m]!;
      if (rep.kvCapacity < this.req.kvBytes[r]) continue;
      const p = this.predict(rep, r);
      if (p.ttft < fallbackTtft) {
        fallbackTtft = p.ttft;
        fallback = rep;
      }
      if ((slo === null || p.tpot <= slo.tpotS) && p.ttft < bestTtft) {
        bestTtft = p.ttft;
        best = rep;
      }
    }
    return best ?? fallback;
  }

  /**
   * prefix_affinity, as SGLang's cache-aware router decides: when the available replicas' loads are
   * imbalanced (max - min > abs threshold and max > rel threshold x min) the least loaded; else the
   * replica whose record matches most of the prompt if that share exceeds the cache threshold,
   * else the one whose record holds the fewest tokens (most room). Ties: the lower load, then the
   * first in class order. A request without a prefix goes to the least loaded. The replica chosen
   * records the prefix either way.
   */
  private prefixAffinity(cls: RouteClass, r: number): Replica | null {
    const req = this.req;
    const kv = req.kvBytes[r];
    const index = this.prefixIndex!;
    const ref = req.prefixRef[r];
    const prompt = req.prompt[r];
    let minLoad = Number.POSITIVE_INFINITY;
    let maxLoad = -1;
    let best: Replica | null = null;
    let bestMatch = -1;
    let smallest: Replica | null = null;
    let smallestSize = Number.POSITIVE_INFINITY;
    for (const g of cls.groups) {
      if (this.groupKv[g] < kv) continue;
      const first = this.groupFirst[g];
      const slots = this.topo.groups[g].slots;
      for (let i = 0; i < slots; i++) {
        const rep = this.replicas[first + i];
        if (rep === null || !this.available(rep)) continue;
        const load = rep.load;
        if (load < minLoad) minLoad = load;
        if (load > maxLoad) maxLoad = load;
        if (ref === null) continue;
        const m = index.matched(rep.index, ref, prompt);
        if (m > bestMatch || (m === bestMatch && load < best!.load)) {
          bestMatch = m;
          best = rep;
        }
        const size = index.size(rep.index);
        if (size < smallestSize || (size === smallestSize && load < smallest!.load)) {
          smallestSize = size;
          smallest = rep;
        }
      }
    }
    if (maxLoad < 0) return null;
    const a = this.affinity;
    const imbalanced = maxLoad - minLoad > a.balanceAbsThreshold && maxLoad > a.balanceRelThreshold * minLoad;
    let rep: Replica | null;
    if (imbalanced || ref === null) rep = this.leastLoaded(cls, kv);
    else rep = bestMatch > a.cacheThreshold * prompt ? best : smallest;
    if (rep !== null && ref !== null) index.record(rep.index, ref, prompt);
    return rep;
  }

  /**
   * kv_aware, as NVIDIA Dynamo's KV router decides (src/scheduler/kv-cost.ts): among the available
   * replicas of the class whose KV memory can hold the request, the lowest cost = overlap_weight x
   * prefill blocks + decode blocks, read from each replica's actual cache and load; ties to the
   * first in class order. With a temperature, drawn by softmax over the costs from the router's
   * seeded stream.
   */
  private kvAware(cls: RouteClass, r: number): Replica | null {
    const kv = this.kv!;
    const req = this.req;
    const kvBytes = req.kvBytes[r];
    const ref = req.prefixRef[r];
    const prompt = req.prompt[r];
    const { overlapWeight, temperature } = kv.spec;
    const view = kv.view;
    let n = 0;
    for (const g of cls.groups) {
      if (this.groupKv[g] < kvBytes) continue;
      const first = this.groupFirst[g];
      const slots = this.topo.groups[g].slots;
      for (let i = 0; i < slots; i++) {
        const rep = this.replicas[first + i];
        if (rep === null || !this.available(rep)) continue;
        if (rep.stepLevel) rep.kvView(ref, prompt, view);
        else rep.kvView(kv.blockBytes[g], view);
        kv.costs[n] = kvCost(overlapWeight, kv.blockSize, prompt, view);
        kv.hits[n] = view.hitBlocks;
        kv.picks[n++] = rep;
      }
    }
    if (n === 0) return null;
    const u = temperature > 0 ? this.rng.next() : 0;
    const i = pickByCost(kv.costs, n, temperature, u);
    // as Dynamo's scheduler books it: the chosen replica's prefill work is the prompt less its overlap
    req.routedHit[r] = Math.min(prompt, kv.hits[i]! * kv.blockSize);
    return kv.picks[i]!;
  }
}

/** Tokens the router's prefix record keeps per replica: the tuning's, else the replica's KV cache (none without step service). */
function indexBounds(topo: Topology, affinity: PrefixAffinitySpec): Float64Array {
  const bounds = new Float64Array(topo.replicaCount);
  for (const g of topo.groups) {
    const bound = g.serving === null ? 0 : (affinity.indexTokens ?? g.serving.kvBlocks * g.serving.blockSize);
    bounds.fill(bound, g.firstReplica, g.firstReplica + g.slots);
  }
  return bounds;
}
