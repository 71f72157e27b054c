/**
 * The request engine: one request-level run wires the scenario's workloads, router and replicas to
 * the event engine and collects what the outputs need. Event kinds are the domain's; the engine
 * only orders them. Its entry point, createRun, is called by the run layer (src/run) only.
 */

import { closeScalingBooks } from "../autoscaler/books.js";
import type { PartScope } from "../contract/parts.js";
import type { RunPlan } from "../contract/plan.js";
import type { RequestLog, RequestOutcome } from "../contract/request-log.js";
import type { ChainSplit, Routes } from "../contract/routes.js";
import type { PreflightEstimate, RunOptions } from "../contract/run-options.js";
import { firstPriceEpoch, nextPriceEpoch, type PriceEpoch, type RunResult } from "../contract/run-result.js";
import { replicasAt, type Topology } from "../contract/topology.js";
import { deriveStream, type RandomStream } from "../engine/random.js";
import { type EventHandler, Simulator } from "../engine/simulator.js";
import { RunAborted } from "../errors.js";
import { IntervalGrid } from "../metrics/interval-grid.js";
import {
  CACHED_INPUT_TOKENS,
  COMPLETED,
  FAILED_OVER,
  INPUT_TOKENS,
  KV_PREEMPTED,
  KV_SWAPPED,
  OUTPUT_TOKENS,
  REJECTED_TOO_LONG,
  REQUESTS,
  SLO_MET,
  SLO_MET_INPUT_TOKENS,
  SLO_MET_OUTPUT_TOKENS,
  TenantModelStats,
  WAITED,
} from "../metrics/tenant-stats.js";
import { UsageLedger } from "../metrics/usage-ledger.js";
import type { Scenario, Slo } from "../scenario/types.js";
import { Replica } from "../scheduler/replica.js";
import { RequestStore } from "../scheduler/request-store.js";
import { FULL, NO_REPLICA, Router, type RouterHost, type SloQuery } from "../scheduler/router.js";
import type { ServingReplica } from "../scheduler/serving-replica.js";
import { StepReplica } from "../scheduler/step-replica.js";
import { createSource, type WorkloadEstimate } from "../workload/create-source.js";
import type { RequestDraw, RequestSource } from "../workload/source.js";
import { groupEconomics } from "./economics.js";
import { RequestScaling, type ScalingRunHost } from "./scaling-host.js";
import { buildTimeline, type TimelineAction } from "./timeline.js";

const K_ARRIVAL = 0;
const K_REPLICA = 1;
const K_REPORT = 2;
const K_TIMELINE = 3;
/** An autoscaler decision round, and the autoscaler's own events (loads finishing, nodes ready). */
const K_SCALE = 4;
const K_SCALING = 5;

/**
 * Events per request the request engine processes: an arrival and a completion, plus for batched
 * replicas the reschedules of batch changes and the prefill ends that need an event (measured 2.7
 * on multi-model-2025 and 2.9 on the fleet benchmark; 2 for batch-1 pools). The estimate rounds up.
 */
export const EVENTS_PER_REQUEST = 3;

/**
 * The request engine on one independent part of the fleet (see src/contract/parts.ts), or on everything when
 * `part` is null: the other parts' workloads send nothing and their replica groups are not built.
 */
export function createRun(s: Scenario, plan: RunPlan, part: PartScope | null): RequestRun {
  return Run.create(s, plan, part);
}

/** A request-engine run, created but not started. */
export interface RequestRun {
  preflight(): PreflightEstimate;
  /** Events every part processes whatever its load: report boundaries and timeline actions. */
  readonly sharedEvents: number;
  execute(opts: RunOptions): Promise<RunResult>;
  closeSources(): Promise<void>;
}

class Run implements EventHandler, ScalingRunHost, RequestRun, RouterHost {
  readonly sim = new Simulator();
  readonly req = new RequestStore(4096);
  /** By replica index; null for the replicas of groups another part owns (see PartScope). */
  readonly replicas: Array<ServingReplica | null> = [];
  readonly router: Router;
  readonly stats: TenantModelStats[] = [];
  readonly statOfWorkload: Int32Array;
  readonly grid: IntervalGrid;
  readonly usage: UsageLedger;
  readonly intervals: number;
  readonly unassignedNodeSeconds: Float64Array;
  readonly kvPerToken: Float64Array;
  readonly slo: Array<SloQuery | null>;
  /** Per workload: the stream its model_routing shares are drawn from (null: it has none). */
  private readonly shareRng: Array<RandomStream | null>;
  /** Per workload, flat for the completion path: its SLO targets (Infinity when none). */
  private readonly sloTtft: Float64Array;
  private readonly sloTpot: Float64Array;
  private readonly modelOfGroup: Int32Array;
  private readonly tenantOfStatRow: Int32Array;
  /** 1 for workloads of spot-contract tenants. */
  readonly spotWorkload: Uint8Array;
  /** Spot requests taken out of batches for other work and requeued. */
  preemptedCount = 0;
  readonly pending: RequestDraw[];
  readonly needRefill: number[] = [];
  readonly priceEpochs: PriceEpoch[][];
  readonly modelEpoch: Int32Array;
  readonly timeline: TimelineAction[];
  /** Replicas per group that are present, and present and up, with the time they were last integrated. */
  readonly presentCount: Int32Array;
  readonly availableCount: Int32Array;
  readonly clockAt: Float64Array;
  /** Replica-seconds available per group since the start (the autoscaler's utilisation window). */
  readonly availableSeconds: Float64Array;
  interrupted = 0;
  /** Request-seconds in the system of requests that have left, and the arrival times of those still in. */
  private inSystemArea = 0;
  private liveArrivalSum = 0;
  private lastRouted = -1;
  private currentInterval = 0;
  private completedCount = 0;
  /** The run's request log (RunOptions.requestLog), null without one: one test per leaving request. */
  private requestLog: RequestLog | null = null;
  /** Requests each workload has sent: the next one's number. */
  private readonly seqOfWorkload: Float64Array;
  /** The autoscaler's engine side; null without autoscaling. */
  private readonly scaling: RequestScaling | null;

  readonly topo: Topology;
  readonly routes: Routes;
  readonly estimates: WorkloadEstimate[];

  private constructor(
    readonly s: Scenario,
    plan: RunPlan,
    /** Per workload; null for a workload outside the part being run (it sends nothing). */
    readonly sources: Array<RequestSource | null>,
    /** Replica groups this run builds (1 = built), null for all. */
    owned: Uint8Array | null,
  ) {
    const { topology: topo, routes } = plan;
    this.topo = topo;
    this.routes = routes;
    this.estimates = plan.estimates;
    this.intervals = Math.max(1, Math.ceil(s.horizon / s.reportInterval - 1e-9));
    this.seqOfWorkload = new Float64Array(sources.length);
    const staticBatching = s.scheduler.batching === "static";
    for (const g of topo.groups) {
      const live = replicasAt(g, g.initialNodes);
      if (owned !== null && owned[g.index] === 0) {
        // Another part's: nothing of this run reaches it, and the merge reads it from its owner.
        for (let i = 0; i < g.slots; i++) this.replicas.push(null);
        continue;
      }
      for (let i = 0; i < g.slots; i++) {
        const rep =
          g.serving === null
            ? new Replica(g.firstReplica + i, g.index, g.curve, staticBatching, this.sim, this.req)
            : new StepReplica(g.firstReplica + i, g.index, g.serving, g.curve, this.sim, this.req);
        rep.present = i < live;
        this.replicas.push(rep);
      }
    }
    this.presentCount = Int32Array.from(topo.groups.map((g) => replicasAt(g, g.initialNodes)));
    this.availableCount = Int32Array.from(this.presentCount);
    this.clockAt = new Float64Array(topo.groups.length);
    this.availableSeconds = new Float64Array(topo.groups.length);
    this.router = new Router(
      s.scheduler.routing,
      topo,
      this.replicas,
      routes,
      this.req,
      s.scheduler.maxQueuePerReplica,
      routerStream(s.seed, routes, sources),
      groupEconomics(s, topo),
      s.scheduler.prefixAffinity,
      s.scheduler.kvAware,
      s.scheduler.blockSize,
    );
    this.router.host = this;
    const rowOf = new Map<string, number>();
    this.statOfWorkload = Int32Array.from(
      routes.workloads.map((w) => {
        const mi = routes.classes[w.chain[0]].modelIndex;
        const key = `${w.tenantIndex}:${mi}`;
        let row = rowOf.get(key);
        if (row === undefined) {
          row = this.stats.length;
          rowOf.set(key, row);
          this.stats.push(new TenantModelStats(w.tenantIndex, mi));
        }
        return row;
      }),
    );
    this.grid = new IntervalGrid(this.intervals, topo.groups.length);
    this.unassignedNodeSeconds = new Float64Array(this.intervals * s.fleet.pools.length);
    this.usage = new UsageLedger(this.stats.length, topo.groups.length);
    this.modelOfGroup = Int32Array.from(topo.groups.map((g) => g.modelIndex));
    this.tenantOfStatRow = Int32Array.from(this.stats.map((st) => st.tenantIndex));
    this.kvPerToken = Float64Array.from(s.models.map((m) => m.kvBytesPerToken));
    this.slo = routes.workloads.map((w) => sloQuery(w.spec.slo));
    this.shareRng = routes.workloads.map((w) =>
      w.splits.some((x) => x !== null && !x.byLength)
        ? deriveStream(s.seed, "model_routing", w.tenant.id, w.spec.id)
        : null,
    );
    this.sloTtft = Float64Array.from(this.slo.map((q) => q?.ttftS ?? Number.POSITIVE_INFINITY));
    this.sloTpot = Float64Array.from(this.slo.map((q) => q?.tpotS ?? Number.POSITIVE_INFINITY));
    this.spotWorkload = Uint8Array.from(
      routes.workloads.map((w) => (w.tenant.contract.type === "spot" ? 1 : 0)),
    );
    // prefix: null from the start, so that a source setting it keeps the objects one shape
    this.pending = routes.workloads.map(() => ({ time: 0, promptTokens: 0, outputTokens: 0, prefix: null }));
    this.priceEpochs = s.models.map((m) => [firstPriceEpoch(m.price)]);
    this.modelEpoch = new Int32Array(s.models.length);
    this.timeline = buildTimeline(s, this);
    this.scaling = s.autoscaling ? new RequestScaling(this, s, plan) : null;
  }

  get now(): number {
    return this.sim.now;
  }

  scheduleScaling(t: number, id: number): void {
    if (t < this.s.horizon) this.sim.schedule(t, K_SCALING, id);
  }

  static create(s: Scenario, plan: RunPlan, part: PartScope | null): Run {
    const { flat } = plan;
    const active = part === null ? null : new Set(part.workloads);
    const sources = flat.map(({ w, ctx }, i) =>
      active === null || active.has(i) ? createSource(w, ctx) : null,
    );
    return new Run(s, plan, sources, part === null ? null : part.groups);
  }

  get sharedEvents(): number {
    const ticks = this.s.autoscaling ? Math.ceil(this.s.horizon / this.s.autoscaling.interval) - 1 : 0;
    return this.intervals - 1 + this.timeline.filter((a) => a.at < this.s.horizon).length + ticks;
  }

  async closeSources(): Promise<void> {
    await Promise.all(this.sources.map((src) => src?.close()));
  }

  preflight(): PreflightEstimate {
    const requests = this.estimates.reduce((a, e) => a + e.expectedRequests, 0);
    return { requests, events: requests * EVENTS_PER_REQUEST + this.intervals + this.timeline.length };
  }

  async execute(opts: RunOptions): Promise<RunResult> {
    const started = performance.now();
    const sim = this.sim;
    for (let w = 0; w < this.sources.length; w++) {
      const src = this.sources[w];
      if (src === null) continue;
      if (src.needsRefill) await src.refill();
      this.fetchNext(w);
    }
    for (let k = 1; k < this.intervals; k++) sim.schedule(k * this.s.reportInterval, K_REPORT, k);
    this.timeline.forEach((a, i) => {
      if (a.at < this.s.horizon) sim.schedule(a.at, K_TIMELINE, i);
    });
    if (this.s.autoscaling && this.s.autoscaling.interval < this.s.horizon) {
      sim.schedule(this.s.autoscaling.interval, K_SCALE, 1);
    }
    const slice = opts.sliceEvents ?? 200_000;
    this.requestLog = opts.requestLog ?? null;
    try {
      for (;;) {
        const finished = sim.runSlice(this.s.horizon, this, slice);
        while (this.needRefill.length > 0) {
          const w = this.needRefill.pop()!;
          await this.sources[w]!.refill();
          this.fetchNext(w);
        }
        if (finished && this.needRefill.length === 0 && sim.peekTime() >= this.s.horizon) break;
        opts.onProgress?.(sim.now, this.completedCount);
        if (opts.shouldStop) {
          // Let signal handlers run (an interrupt sets the flag shouldStop reads).
          await new Promise((r) => setImmediate(r));
          if (opts.shouldStop()) throw new RunAborted();
        }
      }
    } finally {
      await this.closeSources();
    }
    this.sim.now = this.s.horizon;
    this.closeInterval();
    if (this.scaling) this.closeScaling();
    // Requests still in the system count up to the horizon.
    this.inSystemArea += this.req.live * this.s.horizon - this.liveArrivalSum;
    opts.onProgress?.(this.s.horizon, this.completedCount);
    return {
      scenario: this.s,
      topology: this.topo,
      routes: this.routes,
      intervals: this.intervals,
      stats: this.stats,
      statOfWorkload: this.statOfWorkload,
      grid: this.grid,
      unassignedNodeSeconds: this.unassignedNodeSeconds,
      usage: this.usage,
      priceEpochs: this.priceEpochs,
      estimates: this.estimates,
      interrupted: this.interrupted,
      preempted: this.preemptedCount,
      ...(this.scaling && { scaling: this.scaling.scaler.log }),
      inSystemSeconds: this.inSystemArea,
      liveAtHorizon: this.inSystemNow(),
      events: sim.events,
      wallSeconds: (performance.now() - started) / 1000,
    };
  }

  /**
   * Requests in the system counted where they are: the router's shared queues, each replica's
   * queue, and what each replica holds (its waiting line and running batch). Independent of the
   * request store's count, so a request lost from every queue shows as a difference.
   */
  private inSystemNow(): number {
    let n = this.router.queuedTotal();
    for (const rep of this.replicas) if (rep !== null) n += rep.queue.size + rep.held;
    return n;
  }

  handle(kind: number, id: number): void {
    // Most frequent first; the rare kinds stay out of the hot function.
    if (kind === K_REPLICA) this.onReplica(id);
    else if (kind === K_ARRIVAL) this.onArrival(id);
    else this.onBoundary(kind, id);
  }

  private onBoundary(kind: number, id: number): void {
    if (kind === K_REPORT) {
      this.closeInterval();
      this.currentInterval = id;
    } else if (kind === K_TIMELINE) this.timeline[id].apply(this.sim.now);
    else if (kind === K_SCALING) this.scaling!.fire(id, this.sim.now);
    else if (kind === K_SCALE) {
      this.scaling!.tick(this.sim.now);
      const next = (id + 1) * this.s.autoscaling!.interval;
      if (next < this.s.horizon) this.sim.schedule(next, K_SCALE, id + 1);
    }
  }

  /**
   * The autoscaler's books into the run's: in the pools it manages, idle accelerators (on nodes
   * present or provisioning, in no replica) replace the static split's unassigned nodes, and the
   * groups' loading replica-seconds go to the grid.
   */
  private closeScaling(): void {
    closeScalingBooks(this.scaling!.scaler, this.s, this.unassignedNodeSeconds, this.grid.loading);
  }

  private fetchNext(w: number): void {
    const src = this.sources[w]!;
    if (src.needsRefill) {
      this.needRefill.push(w);
      this.sim.yieldRequested = true;
      return;
    }
    const d = this.pending[w];
    if (src.next(d) && d.time < this.s.horizon) {
      this.sim.at = d.time;
      this.sim.scheduleStreamAt(K_ARRIVAL, w);
    }
  }

  private onArrival(w: number): void {
    const d = this.pending[w];
    const req = this.req;
    const r = req.alloc();
    const now = this.sim.now;
    this.liveArrivalSum += now;
    req.arrival[r] = now;
    req.admitted[r] = -1;
    req.firstToken[r] = -1;
    req.prompt[r] = d.promptTokens;
    req.output[r] = d.outputTokens;
    req.workload[r] = w;
    req.seq[r] = this.seqOfWorkload[w]++;
    req.restarts[r] = 0;
    req.routeClass[r] = -1;
    req.replica[r] = -1;
    req.spot[r] = this.spotWorkload[w];
    req.prefixRef[r] = d.prefix ?? null;
    req.routedHit[r] = 0;
    const counters = this.stats[this.statOfWorkload[w]].counters;
    counters[REQUESTS]++;
    this.route(r, 0);
    if (this.lastRouted === r && req.admitted[r] < 0) counters[WAITED]++;
    this.fetchNext(w);
  }

  /** Tries the route chain from position `from`; rejects the request when no class takes it. */
  route(r: number, from: number): void {
    const req = this.req;
    const w = req.workload[r];
    const { chain, splits } = this.routes.workloads[w];
    let held = false; // some class of the chain can hold the request
    for (let pos = from; pos < chain.length; pos++) {
      const cls = this.routes.classes[chain[pos]];
      const tokens = req.prompt[r] + req.output[r];
      if (tokens > cls.maxTokens) continue; // longer than the model's context (vLLM refuses it)
      const kv = tokens * this.kvPerToken[cls.modelIndex];
      if (kv > cls.maxKvBytes) continue; // longer than any replica of this model here can hold
      held = true;
      req.kvBytes[r] = kv;
      req.chainPos[r] = pos;
      const split = splits[pos];
      let res: number;
      if (split === null) {
        req.routeClass[r] = cls.index;
        res = this.router.place(cls, r, this.slo[w]);
      } else res = this.placeSplit(split, r, w, kv);
      if (res !== FULL && res !== NO_REPLICA) {
        this.lastRouted = r;
        return;
      }
    }
    if (!held) this.stats[this.statOfWorkload[w]].counters[REJECTED_TOO_LONG]++;
    this.reject(r, w);
  }

  /**
   * model_routing: places r in the class of the pool(s) its share draw or its prompt length picks;
   * when they have no replica in service (or none that can hold it), in the model's other pools.
   */
  private placeSplit(split: ChainSplit, r: number, w: number, kv: number): number {
    const req = this.req;
    let t = 0;
    if (split.byLength) t = req.prompt[r] > split.threshold ? 1 : 0;
    else {
      const u = this.shareRng[w]!.next();
      const cum = split.cumulative;
      while (t < cum.length - 1 && u >= cum[t]) t++;
    }
    const classes = this.routes.classes;
    const first = classes[split.target[t]];
    if (kv <= first.maxKvBytes) {
      req.routeClass[r] = first.index;
      const res = this.router.place(first, r, this.slo[w]);
      if (res !== NO_REPLICA) return res;
    }
    const rest = classes[split.rest[t]];
    if (kv > rest.maxKvBytes) return NO_REPLICA;
    req.routeClass[r] = rest.index;
    return this.router.place(rest, r, this.slo[w]);
  }

  private reject(r: number, w: number): void {
    this.lastRouted = -1;
    this.stats[this.statOfWorkload[w]].rejected++;
    if (this.requestLog !== null) this.logRequest(r, null, "rejected");
    this.leave(r);
  }

  private onReplica(i: number): void {
    const rep = this.replicas[i]!;
    const now = this.sim.now;
    if (now !== rep.nextEvent) return; // superseded by a later reschedule
    rep.scheduledAt = Number.NaN;
    rep.step();
    if (rep.stepLevel) {
      for (let k = 0; k < rep.preemptedCount; k++) {
        const counters = this.stats[this.statOfWorkload[this.req.workload[rep.preempted[k]]]].counters;
        counters[KV_PREEMPTED]++;
        counters[KV_SWAPPED] += rep.preemptedSwapped[k];
      }
    }
    for (let k = 0; k < rep.doneCount; k++) this.complete(rep.done[k], rep);
    if (rep.draining && rep.held === 0) this.retire(rep);
    else this.router.refill(rep);
    this.ensureScheduled(rep);
  }

  ensureScheduled(rep: ServingReplica): void {
    const t = rep.nextEvent;
    if (t !== Number.POSITIVE_INFINITY && t !== rep.scheduledAt) {
      rep.scheduledAt = t;
      this.sim.at = t;
      this.sim.scheduleAt(K_REPLICA, rep.index);
    }
  }

  /** Request r finished on rep: frees its slot and records it. */
  private complete(r: number, rep: ServingReplica): void {
    const req = this.req;
    rep.release(req.kvBytes[r], req.spot[r]);
    this.router.released(rep, r);
    const now = this.sim.now;
    const w = req.workload[r];
    const row = this.statOfWorkload[w];
    const st = this.stats[row];
    const n = req.output[r];
    const first = req.firstToken[r];
    const arrival = req.arrival[r];
    const ttft = first - arrival;
    const tpot = n > 1 ? (now - first) / (n - 1) : 0;
    const counters = st.counters;
    counters[COMPLETED]++;
    counters[INPUT_TOKENS] += req.prompt[r];
    // prompt tokens its step replica found in the prefix cache (no other replica caches)
    const cached = rep.stepLevel && req.prefixRef[r] !== null ? req.cachedPrompt[r] : 0;
    if (cached > 0) counters[CACHED_INPUT_TOKENS] += cached;
    counters[OUTPUT_TOKENS] += n;
    st.ttftS.add(ttft);
    if (n > 1) st.tpotS.add(tpot);
    st.e2eS.add(now - arrival);
    if (this.scaling !== null) {
      const m = this.modelOfGroup[rep.group];
      this.scaling.completions[m]++;
      if (this.scaling.ttftWindow) this.scaling.ttftWindow[m].push(ttft);
    }
    const failedOver = req.chainPos[r] > 0;
    if (failedOver) counters[FAILED_OVER]++;
    if (ttft <= this.sloTtft[w] && tpot <= this.sloTpot[w]) {
      counters[SLO_MET]++;
      counters[SLO_MET_INPUT_TOKENS] += req.prompt[r];
      counters[SLO_MET_OUTPUT_TOKENS] += n;
    }
    const g = rep.group;
    const cell = this.currentInterval * this.grid.groups + g;
    this.grid.outputTokens[cell] += n;
    this.grid.ttftSum[cell] += ttft;
    this.grid.ttftCount[cell]++;
    if (ttft > this.sloTtft[w]) this.grid.ttftMissed[cell]++;
    // Its n - 1 decode steps read its context, prompt + i tokens at step i.
    const p = req.prompt[r];
    this.grid.kvReadBytes[cell] += this.kvPerToken[this.modelOfGroup[g]] * ((n - 1) * p + (n * (n - 1)) / 2);
    if (rep.maxBatch === 1 && !rep.stepLevel) this.grid.decodeSteps[cell] += n - 1;
    this.usage.add(
      this.usage.slot(row, g),
      req.prompt[r],
      cached,
      n,
      failedOver,
      rep.shareClock - req.shareAt[r],
    );
    if (this.requestLog !== null) this.logRequest(r, rep, "completed", cached);
    this.completedCount++;
    this.leave(r);
  }

  /** Hands request r, leaving now, to the request log. */
  private logRequest(r: number, rep: ServingReplica | null, outcome: RequestOutcome, cachedPrompt = 0): void {
    const req = this.req;
    const cls = this.routes.classes[req.routeClass[r]];
    const model =
      cls === undefined ? this.stats[this.statOfWorkload[req.workload[r]]].modelIndex : cls.modelIndex;
    const price = this.priceEpochs[model][this.modelEpoch[model]];
    this.requestLog!.add({
      outcome,
      workload: req.workload[r],
      seq: req.seq[r],
      servedModel: model,
      group: rep === null ? -1 : rep.group,
      replica: rep === null ? -1 : rep.index,
      arrival: req.arrival[r],
      admitted: rep === null ? -1 : req.admitted[r],
      firstToken: rep === null ? -1 : req.firstToken[r],
      end: this.sim.now,
      promptTokens: req.prompt[r],
      outputTokens: req.output[r],
      restarts: req.restarts[r],
      busyReplicaSeconds: rep === null ? 0 : rep.shareClock - req.shareAt[r],
      pool: rep === null ? -1 : this.topo.groups[rep.group].poolIndex,
      priceInput: price.input,
      priceOutput: price.output,
      cachedPromptTokens: cachedPrompt,
      priceCachedInput: price.cachedInput,
      failedOver: req.chainPos[r] > 0,
    });
  }

  /** Request r leaves the system (completed or rejected). */
  private leave(r: number): void {
    const a = this.req.arrival[r];
    this.inSystemArea += this.sim.now - a;
    this.liveArrivalSum -= a;
    this.req.release(r);
  }

  /** Closes the open usage of the groups selected (all when null) into rows of the current interval. */
  private flushUsage(selected: ((g: number) => boolean) | null): void {
    this.usage.flush(
      this.currentInterval,
      this.tenantOfStatRow,
      (g) => this.modelEpoch[this.modelOfGroup[g]],
      selected,
    );
  }

  /**
   * A spot request evicted for other work: its progress is lost and it is routed again from its
   * current model (queued, or failed over, or rejected when nothing takes it).
   */
  preempted(r: number): void {
    const req = this.req;
    this.preemptedCount++;
    this.stats[this.statOfWorkload[req.workload[r]]].preempted++;
    req.restarts[r]++;
    req.admitted[r] = -1;
    req.firstToken[r] = -1;
    req.replica[r] = -1;
    this.route(r, req.chainPos[r]);
  }

  /** Integrates group availability up to t (call before changing the counts, and at boundaries). */
  integrateGroup(g: number, t: number): void {
    const dt = t - this.clockAt[g];
    if (dt > 0) {
      const k = this.currentInterval * this.grid.groups + g;
      this.grid.present[k] += this.presentCount[g] * dt;
      this.grid.available[k] += this.availableCount[g] * dt;
      this.availableSeconds[g] += this.availableCount[g] * dt;
      this.clockAt[g] = t;
    }
  }

  /** A drained replica leaves the fleet and stops costing. */
  retire(rep: ServingReplica): void {
    this.integrateGroup(rep.group, this.sim.now);
    rep.present = false;
    rep.draining = false;
    this.presentCount[rep.group]--;
    if (rep.alive) this.availableCount[rep.group]--;
    this.router.touch(rep);
    if (this.scaling?.manages(rep.group)) this.scaling.retired(rep, this.sim.now);
  }

  /** Closes the current report interval now (its end, or the horizon). */
  private closeInterval(): void {
    const t = this.sim.now;
    this.flushUsage(null);
    const k = this.currentInterval;
    const G = this.grid.groups;
    for (const rep of this.replicas) {
      if (rep === null) continue;
      rep.advance();
      const idx = k * G + rep.group;
      this.grid.busy[idx] += rep.busyAcc;
      this.grid.held[idx] += rep.heldAcc;
      this.grid.kvByteSeconds[idx] += rep.kvAcc;
      const peak = rep.kvPeakUsed / rep.kvCapacity;
      if (peak > this.grid.kvPeak[idx]) this.grid.kvPeak[idx] = peak;
      rep.busyAcc = 0;
      rep.heldAcc = 0;
      rep.kvAcc = 0;
      rep.kvPeakUsed = rep.kvUsed; // what is held now counts in the next interval too
      this.grid.decodeSteps[idx] += rep.stepsAcc;
      rep.stepsAcc = 0;
    }
    for (let g = 0; g < G; g++) this.integrateGroup(g, t);
    const start = k * this.s.reportInterval;
    const span = Math.min(t, this.s.horizon) - start;
    this.s.fleet.pools.forEach((pool, p) => {
      const assigned = pool.serves.reduce((a, sv) => a + sv.nodes, 0);
      this.unassignedNodeSeconds[k * this.s.fleet.pools.length + p] +=
        Math.max(0, pool.nodes - assigned) * span;
    });
  }

  /** Moves a model to its next price epoch (timeline price_change). */
  changePrice(model: number, input: number | null, output: number | null): void {
    this.flushUsage((g) => this.modelOfGroup[g] === model);
    const cur = this.priceEpochs[model][this.modelEpoch[model]];
    this.priceEpochs[model].push(
      nextPriceEpoch(cur, input, output, this.s.models[model]!.price.cachedInputUsdPerMtok),
    );
    this.modelEpoch[model] = this.priceEpochs[model].length - 1;
  }
}

/**
 * The router's random stream (power_of_two draws), keyed by the first workload of the part being
 * run, so the parts of a fleet draw independently and adding an unrelated model or tenant leaves
 * a part's draws alone.
 */
function routerStream(seed: number, routes: Routes, sources: Array<RequestSource | null>) {
  const first = sources.findIndex((src) => src !== null);
  const w = routes.workloads[Math.max(first, 0)];
  return w === undefined
    ? deriveStream(seed, "router")
    : deriveStream(seed, "router", w.tenant.id, w.spec.id);
}

function sloQuery(slo: Slo | null): SloQuery | null {
  return slo === null ? null : { ttftS: slo.ttftS, tpotS: slo.tpotMs / 1000 };
}
