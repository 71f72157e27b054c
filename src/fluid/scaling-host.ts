/**
 * The fluid engine's side of the autoscaler (src/autoscaler/controller.ts): the same controller
 * and policies as the request engine, deciding every autoscaling.interval from the fluid state.
 * The fluid mode's differences: it observes expected values (the queue is the expected backlog,
 * utilisation the expected completions), a replica taken out leaves at once (the requests it held
 * stay with its group's flows, as a drain would finish them), and loads finish and nodes arrive at
 * the step boundary their time falls on (the loop cuts its steps there).
 */
import { Autoscaler, type ScalingHost } from "../autoscaler/controller.js";
import { DemandForecast } from "../autoscaler/forecast.js";
import type { ModelObservation } from "../autoscaler/observation.js";
import type { RunPlan } from "../contract/plan.js";
import type { Scenario } from "../scenario/types.js";
import type { FluidState } from "./fluid-state.js";

interface Pending {
  at: number;
  kind: "load" | "timer";
  /** Group (load) or the autoscaler's timer token. */
  target: number;
  /** Replica slot of a load; -1 when cancelled. */
  slot: number;
}

export class FluidScaling implements ScalingHost {
  readonly scaler: Autoscaler;
  private readonly pending: Pending[] = [];
  private nextTick: number;
  private now = 0;
  /** Per group, per replica slot: 0 free, 1 serving, 2 loading (slot numbers as the request engine's). */
  private readonly slotsUsed: Uint8Array[];
  private readonly completedAtTick: Float64Array;
  private readonly areaAtTick: Float64Array;
  private readonly busyAtTick: Float64Array;

  constructor(
    private readonly s: Scenario,
    private readonly plan: RunPlan,
    private readonly state: FluidState,
  ) {
    this.scaler = new Autoscaler(s, plan.topology, new DemandForecast(s, plan), this);
    const L = this.scaler.ledger;
    this.slotsUsed = plan.topology.groups.map((g) => {
      const used = new Uint8Array(g.slots);
      used.fill(1, 0, L.serving[g.index]);
      return used;
    });
    for (const g of plan.topology.groups) {
      if (L.managed[g.poolIndex]) state.setScaledPresent(g.index, L.serving[g.index]);
    }
    this.nextTick = s.autoscaling!.interval;
    const G = plan.topology.groups.length;
    this.completedAtTick = new Float64Array(G);
    this.areaAtTick = new Float64Array(G);
    this.busyAtTick = new Float64Array(G);
  }

  /** The next time something of the autoscaler's happens (a decision, a load done, nodes ready). */
  nextTime(): number {
    let t = this.nextTick;
    for (const p of this.pending) if (p.slot !== -1 && p.at < t) t = p.at;
    return t;
  }

  /** Everything due at or before t, in time order (loads and nodes first, then the decision). */
  runDue(t: number): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i];
        if (p.slot === -1 || p.at > t + 1e-9) continue;
        if (best < 0 || p.at < this.pending[best].at) best = i;
      }
      if (best < 0) break;
      const p = this.pending.splice(best, 1)[0];
      this.now = p.at;
      if (p.kind === "timer") this.scaler.fire(p.target, p.at);
      else {
        const grp = this.plan.topology.groups[p.target];
        this.slotsUsed[p.target][p.slot - grp.firstReplica] = 1;
        this.scaler.loaded(p.target, p.slot, p.at);
        this.state.setScaledPresent(p.target, this.scaler.ledger.serving[p.target]);
      }
    }
    this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => p.slot !== -1));
    if (this.nextTick <= t + 1e-9) {
      this.now = this.nextTick;
      this.scaler.tick(this.nextTick);
      const G = this.completedAtTick.length;
      for (let g = 0; g < G; g++) {
        this.completedAtTick[g] = this.state.completedByGroup[g];
        this.areaAtTick[g] = this.state.availableSeconds[g];
        this.busyAtTick[g] = this.state.busySeconds[g];
      }
      this.nextTick += this.s.autoscaling!.interval;
    }
  }

  observe(m: number, out: ModelObservation): void {
    const topo = this.plan.topology;
    let serving = 0;
    let queued = 0;
    let done = 0;
    let area = 0;
    let busy = 0;
    for (const g of topo.groupsByModel[m]) {
      busy += this.state.busySeconds[g] - this.busyAtTick[g];
      serving += this.state.avail[g];
      queued += this.state.queuedAt(g);
      done += this.state.completedByGroup[g] - this.completedAtTick[g];
      area += this.state.availableSeconds[g] - this.areaAtTick[g];
    }
    out.serving = serving;
    out.queued = queued;
    out.kvFraction = Number.NaN; // the fluid mode does not follow KV memory
    out.ttftP99 = Number.NaN; // nor latency percentiles
    // Expected replicas holding work: busy replica-seconds over available ones, since the last decision.
    out.busyFraction = area > 0 ? busy / area : Number.NaN;
    out.completedPerS = area > 0 ? (done / area) * serving : Number.NaN;
  }

  beginLoad(g: number, seconds: number): number {
    const used = this.slotsUsed[g];
    const slot = used.indexOf(0);
    if (slot < 0) throw new Error(`no free replica slot in group ${g}: the autoscaler's ledger disagrees`);
    used[slot] = 2;
    const index = this.plan.topology.groups[g].firstReplica + slot;
    this.pending.push({ at: this.now + seconds, kind: "load", target: g, slot: index });
    return index;
  }

  cancelLoad(g: number): number {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i];
      if (p.kind === "load" && p.target === g && p.slot !== -1) {
        const index = p.slot;
        p.slot = -1;
        this.slotsUsed[g][index - this.plan.topology.groups[g].firstReplica] = 0;
        return index;
      }
    }
    throw new Error(`no loading replica in group ${g}: the autoscaler's ledger disagrees`);
  }

  stopServing(g: number, _preempt: boolean): number {
    const used = this.slotsUsed[g];
    const slot = used.lastIndexOf(1);
    if (slot < 0) throw new Error(`no serving replica in group ${g}: the autoscaler's ledger disagrees`);
    used[slot] = 0;
    this.state.setScaledPresent(g, this.scaler.ledger.serving[g]);
    this.scaler.freed(g, this.now);
    return this.plan.topology.groups[g].firstReplica + slot;
  }

  later(seconds: number, token: number): void {
    this.pending.push({ at: this.now + seconds, kind: "timer", target: token, slot: 0 });
  }

  /** The fluid mode's replicas leave at once when taken out: nothing is left to preempt. */
  forceOut(_slot: number): void {}
}
