/**
 * The autoscaler: every `autoscaling.interval` it observes each scaled model, asks its policy's
 * rule for a count, and moves replicas. Removals come first (a replica drains, or preempts, and
 * its accelerators return to the pool), then additions: a replica starts loading weights on free
 * accelerators, or waits for accelerators another model's replica is giving up (a switch), or for
 * nodes it asks the pool to provision. After an action on a model nothing more happens to it for
 * its policy's cooldown. Nodes left without replicas for `release_after` are released.
 *
 * Engine-neutral: the engine (request or fluid) observes, runs the loads and drains it is told to
 * (ScalingHost) and reports back when a load finishes, a replica has left, or nodes are ready.
 */
import type { ScalingAction, ScalingLog } from "../contract/scaling-log.js";
import { emptyScalingLog } from "../contract/scaling-log.js";
import type { Topology } from "../contract/topology.js";
import { deriveStream, NormalSource, type RandomStream } from "../engine/random.js";
import { loadSeconds } from "../fleet/switch-time.js";
import { managedPoolIds } from "../scenario/managed-pools.js";
import type { ScalingPolicy, Scenario } from "../scenario/types.js";
import { fairShare } from "./fair-share.js";
import type { DemandForecast } from "./forecast.js";
import { emptyObservation, type ModelObservation } from "./observation.js";
import { PoolLedger } from "./pool-ledger.js";
import { desiredReplicas } from "./rules.js";

const NOOP = () => {};

/** What the autoscaler asks of the engine running the replicas. */
export interface ScalingHost {
  /** Fills `out` with what can be seen of model m now. */
  observe(m: number, out: ModelObservation): void;
  /** Starts a replica of group g loading weights for `seconds`; returns its slot. The engine calls loaded() when done. */
  beginLoad(g: number, seconds: number): number;
  /** Cancels a load of group g; returns its slot. */
  cancelLoad(g: number): number;
  /**
   * Takes a serving replica of group g out (drain or preempt); returns its slot. The engine calls
   * freed() when it holds nothing (possibly before returning).
   */
  stopServing(g: number, preempt: boolean): number;
  /** Calls the autoscaler's fire(token) `seconds` from now (provisioning delays, spot notices). */
  later(seconds: number, token: number): void;
  /** A replica taken out (draining) whose spot node goes now: preempts what it holds; the engine calls freed(). */
  forceOut(slot: number): void;
}

interface Waiting {
  group: number;
  /** Model whose replica gives up the accelerators (a switch), or -1. */
  from: number;
  reason: string;
}

export class Autoscaler {
  readonly ledger: PoolLedger;
  readonly log: ScalingLog;
  private readonly lastAction: Float64Array;
  private readonly waiting: Waiting[][];
  /** Per pool: the model whose replica last gave accelerators back, and when (labels switches). */
  private readonly freedBy: Array<{ model: number; time: number }>;
  /** Per pool: since when each of its whole spare nodes has been spare, oldest first. */
  private readonly freeSince: number[][];
  private readonly obs = emptyObservation();

  private readonly delayRng: RandomStream[];
  /** Per pool: the stream spot nodes' lifetimes are drawn from. */
  private readonly spotRng: RandomStream[];
  private readonly timers: Array<() => void> = [];
  private readonly normal: NormalSource[];
  private readonly groupOf: Map<string, number>;
  /** Load time per group, s. */
  readonly loadTime: Float64Array;
  private readonly modelIndex: Map<string, number>;
  private readonly poolIndex: Map<string, number>;
  /** Per pool: accelerators per node. */
  private readonly perNodeOf: Int32Array;
  /** Per model: its policy (undefined when none scales it) and that policy's pools, by index. */
  private readonly policyOfModel: Array<ScalingPolicy | undefined>;
  private readonly poolsOfPolicy: Map<ScalingPolicy, number[]>;
  now = 0;

  constructor(
    private readonly s: Scenario,
    private readonly topo: Topology,
    private readonly forecast: DemandForecast,
    private readonly host: ScalingHost,
  ) {
    const spec = s.autoscaling!;
    this.poolIndex = new Map(s.fleet.pools.map((p, i) => [p.id, i]));
    this.modelIndex = new Map(s.models.map((m, i) => [m.id, i]));
    const managed = [...managedPoolIds(s)].map((id) => this.poolIndex.get(id)!);
    this.perNodeOf = Int32Array.from(
      s.fleet.pools.map((p) => s.profiles.find((x) => x.id === p.profile)!.acceleratorsPerNode),
    );
    this.poolsOfPolicy = new Map(spec.policies.map((p) => [p, p.pools.map((id) => this.poolIndex.get(id)!)]));
    this.policyOfModel = s.models.map((m) => spec.policies.find((p) => p.models.includes(m.id)));
    const intervals = Math.max(1, Math.ceil(s.horizon / s.reportInterval - 1e-9));
    this.ledger = new PoolLedger(
      topo,
      this.perNodeOf,
      managed,
      s.fleet.pools.map((p) => p.nodes),
      s.reportInterval,
      intervals,
    );
    this.log = emptyScalingLog(intervals, topo.groups.length);
    this.lastAction = new Float64Array(s.models.length).fill(Number.NEGATIVE_INFINITY);
    this.waiting = s.fleet.pools.map(() => []);
    this.freedBy = s.fleet.pools.map(() => ({ model: -1, time: Number.NaN }));
    this.freeSince = s.fleet.pools.map(() => []);
    this.delayRng = s.fleet.pools.map((p) => deriveStream(s.seed, "provisioning", p.id));
    this.normal = this.delayRng.map((r) => new NormalSource(r));
    this.spotRng = s.fleet.pools.map((p) => deriveStream(s.seed, "spot_reclaim", p.id));
    this.groupOf = new Map(topo.groups.map((g) => [`${g.poolIndex}:${g.modelIndex}`, g.index]));
    this.loadTime = Float64Array.from(topo.groups.map((g) => loadSeconds(g.profile, g.model)));
  }

  /** One decision round at time `now`. */
  tick(now: number): void {
    this.now = now;
    this.ledger.advance(now);
    const spec = this.s.autoscaling!;
    const plans: Array<{
      policy: ScalingPolicy;
      pools: number[];
      m: number;
      desired: number;
      reason: string;
    }> = [];
    for (const policy of spec.policies) {
      const pools = this.poolsOfPolicy.get(policy)!;
      for (const id of policy.models) {
        const m = this.modelIndex.get(id)!;
        if (now - this.lastAction[m] < policy.cooldown - 1e-9) continue;
        const committed = this.committed(m, pools);
        this.host.observe(m, this.obs);
        const lead = this.leadOf(policy, m, pools);
        const first = this.groupsOf(m, pools)[0];
        const answer = desiredReplicas(policy.rule, this.obs, {
          committed,
          timeOfDay: (((this.s.startMs / 1000 + now) % 86_400) + 86_400) % 86_400,
          forecastRate: this.forecast.rate(m, now + lead, now),
          replicaRate: first === undefined ? 1 : this.forecast.replicaRate[first],
          ttftTarget: this.forecast.ttftTarget[m],
        });
        if (answer.desired === null) continue;
        const desired = Math.min(policy.maxReplicas, Math.max(policy.minReplicas, answer.desired));
        if (desired !== committed) plans.push({ policy, pools, m, desired, reason: answer.reason });
      }
    }
    for (const p of plans) {
      const committed = this.committed(p.m, p.pools);
      if (p.desired >= committed) continue;
      const at = this.log.events.length;
      if (this.remove(p.m, p.pools, committed - p.desired, p.reason)) {
        this.lastAction[p.m] = now;
        this.decision(at, p, committed);
      }
    }
    this.grow(plans.filter((p) => p.desired > this.committed(p.m, p.pools)));
    for (let pool = 0; pool < this.waiting.length; pool++) this.startWaiting(pool);
    this.releaseIdleNodes(now);
  }

  /** Puts a decision's row before the actions it caused (log position `at`). */
  private decision(at: number, p: { m: number; pools: number[]; reason: string }, from: number): void {
    const to = this.committed(p.m, p.pools);
    this.log.events.splice(at, 0, {
      time: this.now,
      pool: -1,
      model: p.m,
      action: "scale",
      from,
      to,
      reason: p.reason,
      replica: -1,
    });
  }

  /** A load finished: the replica serves. */
  loaded(g: number, slot: number, now: number): void {
    this.now = now;
    this.ledger.advance(now);
    this.ledger.loading[g]--;
    this.ledger.serving[g]++;
    const grp = this.topo.groups[g];
    const n = this.ledger.committed(g);
    this.record(now, grp.poolIndex, grp.modelIndex, "ready", n, n, "weights loaded", slot);
  }

  /** A replica taken out has left (drained, or preempted): its accelerators return to the pool. */
  freed(g: number, now: number): void {
    this.now = now;
    this.ledger.advance(now);
    this.ledger.draining[g]--;
    const grp = this.topo.groups[g];
    this.freedBy[grp.poolIndex] = { model: grp.modelIndex, time: now };
    this.startWaiting(grp.poolIndex);
  }

  /** A timer set with later() is due. */
  fire(token: number, now: number): void {
    this.now = now;
    this.ledger.advance(now);
    const fn = this.timers[token];
    this.timers[token] = NOOP;
    fn();
  }

  private later(seconds: number, fn: () => void): void {
    this.timers.push(fn);
    this.host.later(seconds, this.timers.length - 1);
  }

  /** Provisioned nodes are ready (`spot` of them spot nodes, each with its own reclaim time). */
  private nodesReady(p: number, n: number, spot: number): void {
    const L = this.ledger;
    const before = L.readyNodes[p];
    L.provisioningNodes[p] -= n;
    L.readyNodes[p] += n;
    L.spotProvisioning[p] -= spot;
    L.spotNodes[p] += spot;
    const why = spot > 0 ? `${n} node(s) provisioned, ${spot} spot` : `${n} node(s) provisioned`;
    this.record(this.now, p, -1, "node_ready", before, before + n, why, -1);
    const sp = this.s.fleet.pools[p].scaling?.spot;
    for (let i = 0; i < spot; i++) {
      // exponential lifetimes: memoryless, so which spot node the notice names does not matter
      if (sp && sp.reclaimPerHour > 0) {
        this.later((-Math.log(1 - this.spotRng[p].next()) * 3600) / sp.reclaimPerHour, () =>
          this.reclaimNotice(p),
        );
      }
    }
    this.startWaiting(p);
  }

  /**
   * A spot node's reclaim notice: its accelerators are set aside (present and billed, nothing
   * loads on them), and replicas covering them drain, the most numerous model's first; after the
   * notice the node goes and whatever they still hold is preempted.
   */
  private reclaimNotice(p: number): void {
    const L = this.ledger;
    if (L.spotNodes[p] - L.underNotice[p] <= 0) return; // released meanwhile
    const sp = this.s.fleet.pools[p].scaling!.spot!;
    const perNode = this.perNodeOf[p];
    L.underNotice[p]++;
    L.reclaiming[p] += perNode;
    const nodes = L.readyNodes[p];
    this.record(
      this.now,
      p,
      -1,
      "reclaim_notice",
      nodes,
      nodes - 1,
      `spot node reclaimed in ${sp.notice} s`,
      -1,
    );
    const slots: number[] = [];
    while (L.freeReady(p) + L.drainingAccelerators(p) < 0) {
      let g = -1;
      for (const x of this.topo.groupsByPool[p]) {
        if (
          L.serving[x] + L.loading[x] > 0 &&
          (g < 0 || L.serving[x] + L.loading[x] > L.serving[g] + L.loading[g])
        )
          g = x;
      }
      if (g < 0) break;
      const grp = this.topo.groups[g];
      const at = this.log.events.length;
      const left = this.removeFrom(g, p, grp.modelIndex, 1, "its spot node is reclaimed", true);
      if (left === 0 && this.log.events[at]?.action === "stop") slots.push(this.log.events[at].replica);
      this.lastAction[grp.modelIndex] = this.now;
    }
    this.later(sp.notice, () => this.reclaimEnd(p, slots));
  }

  private reclaimEnd(p: number, slots: number[]): void {
    const L = this.ledger;
    for (const slot of slots) this.host.forceOut(slot);
    const perNode = this.perNodeOf[p];
    const before = L.readyNodes[p] + L.provisioningNodes[p];
    L.readyNodes[p]--;
    L.spotNodes[p]--;
    L.underNotice[p]--;
    L.reclaiming[p] -= perNode;
    this.record(this.now, p, -1, "reclaimed", before, before - 1, "spot node gone", -1);
    this.startWaiting(p);
  }

  /** Closes the books at the horizon. */
  finish(horizon: number): void {
    this.ledger.advance(horizon);
  }

  private committed(m: number, pools: number[]): number {
    let n = 0;
    for (const g of this.groupsOf(m, pools)) n += this.ledger.committed(g);
    return n;
  }

  private groupsOf(m: number, pools: number[]): number[] {
    const out: number[] = [];
    for (const p of pools) {
      const g = this.groupOf.get(`${p}:${m}`);
      if (g !== undefined) out.push(g);
    }
    return out;
  }

  private leadOf(policy: ScalingPolicy, m: number, pools: number[]): number {
    if (policy.rule.kind !== "predictive") return 0;
    if (policy.rule.lead !== null) return policy.rule.lead;
    const g = this.groupsOf(m, pools)[0];
    if (g === undefined) return 0;
    const scaling = this.s.fleet.pools[this.topo.groups[g].poolIndex].scaling;
    return this.loadTime[g] + (scaling ? scaling.delayMedian : 0) + this.s.autoscaling!.interval;
  }

  /** Removes n replicas of model m: waiting ones first, then loading ones, then serving ones, from the last pool. */
  private remove(m: number, pools: number[], n: number, reason: string): boolean {
    let left = n;
    for (const g of this.groupsOf(m, pools).reverse()) {
      if (left === 0) break;
      left = this.removeFrom(g, this.topo.groups[g].poolIndex, m, left, reason);
    }
    return left < n;
  }

  /** Takes up to n replicas of group g away (waiting, then loading, then serving); returns how many are left to take. */
  private removeFrom(
    g: number,
    p: number,
    m: number,
    n: number,
    reason: string,
    keepWaiting = false,
  ): number {
    const preempt = this.s.autoscaling!.onSwitch === "preempt";
    const L = this.ledger;
    let left = n;
    while (left > 0 && L.waiting[g] > 0 && !keepWaiting) {
      const q = this.waiting[p];
      for (let i = q.length - 1; i >= 0; i--) {
        if (q[i].group === g) {
          q.splice(i, 1);
          break;
        }
      }
      L.waiting[g]--;
      left--;
    }
    while (left > 0 && L.loading[g] > 0) {
      L.advance(this.now);
      const slot = this.host.cancelLoad(g);
      L.loading[g]--;
      left--;
      this.record(this.now, p, m, "cancel", L.committed(g) + 1, L.committed(g), reason, slot);
    }
    while (left > 0 && L.serving[g] > 0) {
      L.advance(this.now);
      L.serving[g]--;
      L.draining[g]++;
      left--;
      const c = L.committed(g);
      // record before the host may free it (and start a waiting load) synchronously
      const at = this.log.events.length;
      this.record(this.now, p, m, "stop", c + 1, c, reason, -1);
      this.log.events[at].replica = this.host.stopServing(g, preempt);
    }
    return left;
  }

  /** Adds n replicas of model m in the first pools that can take them; true when any was added. */
  private add(m: number, pools: number[], n: number, reason: string): boolean {
    let added = 0;
    const L = this.ledger;
    for (const g of this.groupsOf(m, pools)) {
      const grp = this.topo.groups[g];
      const p = grp.poolIndex;
      const fp = L.footprint[g];
      while (added < n && L.occupied(g) < grp.slots) {
        if (L.claimable(p) < fp && !this.provision(p, fp - L.claimable(p), reason)) break;
        // A switch: the load waits for accelerators another model's replica is giving up, or
        // takes ones given up in this same decision round (preempted at once).
        const fb = this.freedBy[p];
        const from =
          L.freeReady(p) < fp
            ? this.drainingModel(p)
            : fb.time === this.now && fb.model !== m
              ? fb.model
              : -1;
        this.waiting[p].push({ group: g, from, reason });
        L.waiting[g]++;
        added++;
        this.startWaiting(p);
      }
      if (added === n) break;
    }
    return added > 0;
  }

  /**
   * Additions, pool by pool (a model's extra replicas go to the first of its policy's pools). A pool
   * that has, or can provision, the accelerators grants them all; a full one is shared by
   * fairShare over every model it serves under a policy: models above their share give replicas
   * (switches), models below it get them, whatever their cooldown (the arbitration is the pool's,
   * not the model's rule).
   */
  private grow(ups: Array<{ pools: number[]; m: number; desired: number; reason: string }>): void {
    if (ups.length === 0) return;
    const L = this.ledger;
    const byPool = new Map<
      number,
      Array<{ m: number; g: number; extra: number; reason: string; pools: number[] }>
    >();
    for (const u of ups) {
      const extra = u.desired - this.committed(u.m, u.pools);
      const g = this.groupsOf(u.m, u.pools).find((x) => L.occupied(x) < this.topo.groups[x].slots);
      if (g === undefined) continue;
      const p = this.topo.groups[g].poolIndex;
      const list = byPool.get(p) ?? [];
      list.push({ m: u.m, g, extra, reason: u.reason, pools: u.pools });
      byPool.set(p, list);
    }
    for (const [p, asks] of byPool) {
      const perNode = this.perNodeOf[p];
      const sc = this.s.fleet.pools[p].scaling;
      const nodes = sc ? Math.max(sc.maxNodes, L.readyNodes[p] + L.provisioningNodes[p]) : L.readyNodes[p];
      // The policy models' groups here share what the pool can reach less what the others hold.
      const shared = this.topo.groupsByPool[p].filter(
        (g) => this.policyOfModel[this.topo.groups[g].modelIndex],
      );
      let capacity = nodes * perNode;
      for (const g of this.topo.groupsByPool[p]) {
        if (!shared.includes(g)) capacity -= L.occupied(g) * L.footprint[g];
      }
      const want = shared.map((g) => {
        const a = asks.find((x) => x.g === g);
        return Math.min(this.topo.groups[g].slots, L.committed(g) + (a ? a.extra : 0));
      });
      const fps = shared.map((g) => L.footprint[g]);
      // min_replicas holds here for a policy placing only in this pool
      const mins = shared.map((g) => {
        const policy = this.policyOfModel[this.topo.groups[g].modelIndex]!;
        return policy.pools.length === 1 ? Math.min(policy.minReplicas, L.committed(g)) : 0;
      });
      // replicas draining leave: their accelerators go to the loads waiting for them
      const alloc = fairShare(want, fps, mins, capacity);
      const full = alloc.some((x, i) => x !== want[i]);
      // first the models above their share give replicas back, then the others get theirs
      shared.forEach((g, i) => {
        const have = L.committed(g);
        if (alloc[i] >= have) return;
        const m = this.topo.groups[g].modelIndex;
        const pools = this.poolsOfPolicy.get(this.policyOfModel[m]!)!;
        const at = this.log.events.length;
        const from = this.committed(m, pools);
        const reason = `fair share of ${this.s.fleet.pools[p].id}: ${alloc[i]} of the ${want[i]} asked`;
        this.removeFrom(g, p, m, have - alloc[i], reason);
        this.lastAction[m] = this.now;
        this.decision(at, { m, pools, reason }, from);
      });
      shared.forEach((g, i) => {
        const a = asks.find((x) => x.g === g);
        const have = L.committed(g);
        if (!a || alloc[i] <= have) return;
        const at = this.log.events.length;
        const from = this.committed(a.m, a.pools);
        const reason = full
          ? `${a.reason}; fair share of ${this.s.fleet.pools[p].id}: ${alloc[i]} of ${want[i]}`
          : a.reason;
        if (this.add(a.m, [p], alloc[i] - have, reason)) {
          this.lastAction[a.m] = this.now;
          this.decision(at, { m: a.m, pools: a.pools, reason }, from);
        }
      });
    }
  }

  /** Asks pool p for nodes covering `accelerators` more; false when it cannot grow. */
  private provision(p: number, accelerators: number, reason: string): boolean {
    const sc = this.s.fleet.pools[p].scaling;
    if (!sc) return false;
    const L = this.ledger;
    const want = Math.ceil(accelerators / this.perNodeOf[p]);
    const room = sc.maxNodes - L.readyNodes[p] - L.provisioningNodes[p];
    if (want > room) return false;
    L.advance(this.now);
    const before = L.readyNodes[p] + L.provisioningNodes[p];
    L.provisioningNodes[p] += want;
    const sp = sc.spot;
    const spot = sp ? Math.max(0, Math.min(want, sp.maxNodes - L.spotNodes[p] - L.spotProvisioning[p])) : 0;
    L.spotProvisioning[p] += spot;
    const delay = this.delay(p);
    this.record(
      this.now,
      p,
      -1,
      "provision",
      before,
      before + want,
      `${reason}; ready in ${delay.toFixed(0)} s${spot > 0 ? `, ${spot} spot` : ""}`,
      -1,
    );
    this.later(delay, () => this.nodesReady(p, want, spot));
    return true;
  }

  /** A provisioning delay: the median, or a lognormal with that median and coefficient of variation. */
  private delay(p: number): number {
    const sc = this.s.fleet.pools[p].scaling!;
    if (sc.delayCv === 0) return sc.delayMedian;
    const sigma = Math.sqrt(Math.log1p(sc.delayCv * sc.delayCv));
    return sc.delayMedian * Math.exp(sigma * this.normal[p].next());
  }

  private drainingModel(p: number): number {
    for (const g of this.topo.groupsByPool[p])
      if (this.ledger.draining[g] > 0) return this.topo.groups[g].modelIndex;
    return -1;
  }

  /** Starts the loads waiting in pool p, first come first served, while accelerators are free. */
  private startWaiting(p: number): void {
    const q = this.waiting[p];
    const L = this.ledger;
    while (q.length > 0 && L.freeReady(p) >= L.footprint[q[0].group]) {
      const w = q.shift()!;
      L.advance(this.now);
      L.waiting[w.group]--;
      L.loading[w.group]++;
      const slot = this.host.beginLoad(w.group, this.loadTime[w.group]);
      const grp = this.topo.groups[w.group];
      const k = Math.min(
        this.log.loads.length / this.topo.groups.length - 1,
        Math.floor(this.now / this.s.reportInterval + 1e-9),
      );
      const cell = k * this.topo.groups.length + w.group;
      this.log.loads[cell]++;
      // accelerators another model's replica gave back just now: a switch too
      const fb = this.freedBy[p];
      if (w.from < 0 && fb.time === this.now && fb.model !== grp.modelIndex) w.from = fb.model;
      if (w.from >= 0) this.log.switches[cell]++;
      const n = L.committed(w.group);
      const why =
        w.from >= 0 ? `${w.reason}; takes the accelerators of ${this.s.models[w.from].id}` : w.reason;
      this.record(this.now, p, grp.modelIndex, w.from >= 0 ? "switch" : "start", n, n, why, slot);
    }
  }

  private releaseIdleNodes(now: number): void {
    const L = this.ledger;
    this.s.fleet.pools.forEach((pool, p) => {
      const sc = pool.scaling;
      if (!sc || !L.managed[p]) return;
      const perNode = this.perNodeOf[p];
      const spare = this.waiting[p].length > 0 ? 0 : Math.floor(L.freeReady(p) / perNode);
      const since = this.freeSince[p];
      const can = Math.max(0, Math.min(spare, L.readyNodes[p] - sc.minNodes));
      since.length = Math.min(since.length, can); // nodes taken again stop counting (the newest first)
      while (since.length < can) since.push(now);
      let n = 0;
      while (n < since.length && now - since[n] >= sc.releaseAfter - 1e-9) n++;
      if (n === 0) return;
      since.splice(0, n);
      L.advance(now);
      const before = L.readyNodes[p] + L.provisioningNodes[p];
      L.readyNodes[p] -= n;
      // spot nodes go first (their pending reclaims then find fewer spot nodes and lapse)
      L.spotNodes[p] -= Math.min(n, L.spotNodes[p] - L.underNotice[p]);
      this.record(
        now,
        p,
        -1,
        "release",
        before,
        before - n,
        `${n} node(s) without replicas for ${sc.releaseAfter} s`,
        -1,
      );
    });
  }

  private record(
    time: number,
    pool: number,
    model: number,
    action: ScalingAction,
    from: number,
    to: number,
    reason: string,
    replica: number,
  ): void {
    this.log.events.push({ time, pool, model, action, from, to, reason, replica });
  }
}
