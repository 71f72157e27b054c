/**
 * The request engine's side of the autoscaler (src/autoscaler/controller.ts): it observes the
 * replicas and queues, starts loads on free replica slots (a loading slot is not present, so the
 * router never admits to it), takes replicas out by draining or preempting them, and turns the
 * autoscaler's delays into events. Decisions happen every autoscaling.interval.
 */
import { Autoscaler, type ScalingHost } from "../autoscaler/controller.js";
import { DemandForecast } from "../autoscaler/forecast.js";
import type { ModelObservation } from "../autoscaler/observation.js";
import type { RunPlan } from "../contract/plan.js";
import type { Scenario } from "../scenario/types.js";
import type { ServingReplica } from "../scheduler/serving-replica.js";
import { enterService, type TimelineHost } from "./timeline.js";

/** What the run gives the scaling host besides the timeline host's fields. */
export interface ScalingRunHost extends TimelineHost {
  readonly now: number;
  /** Schedules the host's event `id` (a load finishing or nodes ready) at time t. */
  scheduleScaling(t: number, id: number): void;
}

export class RequestScaling implements ScalingHost {
  readonly scaler: Autoscaler;
  /** Per replica: 1 while it loads weights, and when its load finishes. */
  private readonly loading: Uint8Array;
  private readonly readyAt: Float64Array;
  /** Per group: managed by the autoscaler. */
  private readonly managedGroup: Uint8Array;
  /** Per model: TTFTs of the requests finished since the last decision (only when some policy watches TTFT). */
  readonly ttftWindow: number[][] | null;
  /** Per model: requests finished since the last decision; per group, available replica-seconds then. */
  readonly completions: Float64Array;
  private readonly areaAtTick: Float64Array;
  /** The autoscaler's timers, by event id - replicas (ids below the replica count are loads). */
  private readonly timers: number[] = [];

  constructor(
    private readonly run: ScalingRunHost,
    s: Scenario,
    plan: RunPlan,
  ) {
    const n = run.replicas.length;
    this.loading = new Uint8Array(n);
    this.readyAt = new Float64Array(n);
    this.scaler = new Autoscaler(s, plan.topology, new DemandForecast(s, plan), this);
    this.managedGroup = Uint8Array.from(
      plan.topology.groups.map((g) => this.scaler.ledger.managed[g.poolIndex]),
    );
    const watchesTtft = s.autoscaling!.policies.some(
      (p) => p.rule.kind === "reactive" && p.rule.metric === "ttft",
    );
    this.ttftWindow = watchesTtft ? s.models.map(() => []) : null;
    this.completions = new Float64Array(s.models.length);
    this.areaAtTick = new Float64Array(plan.topology.groups.length);
  }

  manages(g: number): boolean {
    return this.managedGroup[g] === 1;
  }

  /** A decision round; the TTFT windows start again. */
  tick(now: number): void {
    this.scaler.tick(now);
    if (this.ttftWindow) for (const w of this.ttftWindow) w.length = 0;
    this.completions.fill(0);
    for (let g = 0; g < this.areaAtTick.length; g++) {
      this.run.integrateGroup(g, now);
      this.areaAtTick[g] = this.run.availableSeconds[g];
    }
  }

  /** The host's event `id` fired: a load finished (replica index) or nodes are ready. */
  fire(id: number, now: number): void {
    const R = this.run.replicas.length;
    if (id >= R) {
      this.scaler.fire(this.timers[id - R], now);
      return;
    }
    if (this.loading[id] === 0 || this.readyAt[id] !== now) return; // cancelled (or restarted later)
    this.loading[id] = 0;
    const rep = this.run.replicas[id]!;
    const run = this.run;
    run.integrateGroup(rep.group, now);
    this.scaler.loaded(rep.group, id, now);
    enterService(run, rep);
  }

  /** A replica the autoscaler took out has drained (Run.retire). */
  retired(rep: ServingReplica, now: number): void {
    this.scaler.freed(rep.group, now);
  }

  observe(m: number, out: ModelObservation): void {
    const run = this.run;
    let serving = 0;
    let queued = run.router.sharedQueued(m);
    let kv = 0;
    let busy = 0;
    for (const g of run.topo.groupsByModel[m]) {
      const grp = run.topo.groups[g];
      for (let i = 0; i < grp.slots; i++) {
        const rep = run.replicas[grp.firstReplica + i];
        if (rep === null || !rep.present) continue;
        queued += rep.queue.size;
        if (rep.draining || !rep.alive) continue;
        serving++;
        rep.advance();
        kv += rep.kvUsed / rep.kvCapacity;
        if (rep.held > 0) busy++;
      }
    }
    out.serving = serving;
    out.queued = queued;
    out.kvFraction = serving > 0 ? kv / serving : Number.NaN;
    out.busyFraction = serving > 0 ? busy / serving : Number.NaN;
    out.ttftP99 = Number.NaN;
    // Finished per available replica-second over the window: replicas that came or went count for their time.
    let area = 0;
    for (const g of run.topo.groupsByModel[m]) {
      run.integrateGroup(g, run.now);
      area += run.availableSeconds[g] - this.areaAtTick[g];
    }
    out.completedPerS = area > 0 ? (this.completions[m] / area) * serving : Number.NaN;
    const w = this.ttftWindow?.[m];
    if (w && w.length > 0) {
      const sorted = Float64Array.from(w).sort();
      out.ttftP99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
    }
  }

  beginLoad(g: number, seconds: number): number {
    const grp = this.run.topo.groups[g];
    for (let i = 0; i < grp.slots; i++) {
      const idx = grp.firstReplica + i;
      const rep = this.run.replicas[idx]!;
      if (rep.present || this.loading[idx]) continue;
      this.loading[idx] = 1;
      this.readyAt[idx] = this.run.now + seconds;
      this.run.scheduleScaling(this.readyAt[idx], idx);
      return idx;
    }
    throw new Error(
      `no free replica slot in group ${g}: the autoscaler's ledger disagrees with the replicas`,
    );
  }

  cancelLoad(g: number): number {
    const grp = this.run.topo.groups[g];
    for (let i = grp.slots - 1; i >= 0; i--) {
      const idx = grp.firstReplica + i;
      if (this.loading[idx]) {
        this.loading[idx] = 0;
        return idx;
      }
    }
    throw new Error(`no loading replica in group ${g}: the autoscaler's ledger disagrees with the replicas`);
  }

  stopServing(g: number, preempt: boolean): number {
    const run = this.run;
    const grp = run.topo.groups[g];
    const now = run.now;
    for (let i = grp.slots - 1; i >= 0; i--) {
      const rep = run.replicas[grp.firstReplica + i]!;
      if (!rep.present || rep.draining) continue;
      run.integrateGroup(g, now);
      rep.draining = true;
      run.router.touch(rep);
      const again: number[] = [];
      rep.queue.drain((r) => again.push(r));
      if (preempt) this.evictHeld(rep, again);
      // Shared queues left without a replica of the model in service fail over like an outage's.
      run.router.drainStranded(again);
      if (rep.held === 0) run.retire(rep);
      for (const r of again) run.route(r, run.req.chainPos[r]);
      return rep.index;
    }
    throw new Error(`no serving replica in group ${g}: the autoscaler's ledger disagrees with the replicas`);
  }

  later(seconds: number, token: number): void {
    this.timers.push(token);
    this.run.scheduleScaling(this.run.now + seconds, this.run.replicas.length + this.timers.length - 1);
  }

  forceOut(slot: number): void {
    const run = this.run;
    const rep = run.replicas[slot]!;
    if (!rep.present || !rep.draining) return; // drained already
    const again: number[] = [];
    run.integrateGroup(rep.group, run.now);
    this.evictHeld(rep, again);
    run.retire(rep);
    for (const r of again) run.route(r, run.req.chainPos[r]);
  }

  /** Takes what rep holds out of it into `out`, to be routed again (their progress is lost). */
  private evictHeld(rep: ServingReplica, out: number[]): void {
    const run = this.run;
    run.router.evicting(rep);
    const before = out.length;
    rep.evict(out);
    run.interrupted += out.length - before;
    for (let k = before; k < out.length; k++) {
      const r = out[k];
      run.req.restarts[r]++;
      run.req.admitted[r] = -1;
      run.req.firstToken[r] = -1;
    }
    run.router.touch(rep);
  }
}
