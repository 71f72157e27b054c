/**
 * The accelerators of the pools the autoscaler manages: nodes ready and being provisioned, and per
 * replica group the replicas serving, loading weights, draining and waiting for accelerators. It
 * integrates, per report interval, each pool's idle accelerator-seconds (on nodes present, in no
 * replica; provisioning nodes are billed from the request, so they count) and each group's
 * loading replica-seconds, exactly: every change calls advance(t) first.
 */
import type { Topology } from "../contract/topology.js";
import { replicasAt } from "../contract/topology.js";
import { replicaFootprint } from "../fleet/switch-time.js";

export class PoolLedger {
  /** Per pool: managed (1) or not. */
  readonly managed: Uint8Array;
  readonly readyNodes: Int32Array;
  readonly provisioningNodes: Int32Array;
  /** Of the ready and provisioning nodes, the spot ones; and nodes under a reclaim notice. */
  readonly spotNodes: Int32Array;
  readonly spotProvisioning: Int32Array;
  readonly underNotice: Int32Array;
  /** Accelerators of nodes under a reclaim notice: present and billed, not to be loaded on. */
  readonly reclaiming: Int32Array;
  /** Per group. */
  readonly serving: Int32Array;
  readonly loading: Int32Array;
  readonly draining: Int32Array;
  readonly waiting: Int32Array;
  /** Accelerators a replica of the group takes from the pool's stock (capacity checks). */
  readonly footprint: Int32Array;
  /** Per interval x pool, accelerator-seconds on nodes present holding no replica. */
  readonly idleSeconds: Float64Array;
  /** Per interval x group, replica-seconds loading. */
  readonly loadingSeconds: Float64Array;
  /** Per interval x pool, accelerator-seconds of spot nodes (ready or provisioning). */
  readonly spotSeconds: Float64Array;
  private clock = 0;

  constructor(
    private readonly topo: Topology,
    private readonly perNode: Int32Array,
    managedPools: readonly number[],
    initialNodes: readonly number[],
    private readonly reportInterval: number,
    private readonly intervals: number,
  ) {
    const P = perNode.length;
    const G = topo.groups.length;
    this.managed = new Uint8Array(P);
    for (const p of managedPools) this.managed[p] = 1;
    this.readyNodes = Int32Array.from(initialNodes);
    this.provisioningNodes = new Int32Array(P);
    this.spotNodes = new Int32Array(P);
    this.spotProvisioning = new Int32Array(P);
    this.underNotice = new Int32Array(P);
    this.reclaiming = new Int32Array(P);
    this.serving = Int32Array.from(topo.groups.map((g) => replicasAt(g, g.initialNodes)));
    this.loading = new Int32Array(G);
    this.draining = new Int32Array(G);
    this.waiting = new Int32Array(G);
    this.footprint = Int32Array.from(topo.groups.map((g) => replicaFootprint(g.profile, g.model)));
    this.idleSeconds = new Float64Array(intervals * P);
    this.loadingSeconds = new Float64Array(intervals * G);
    this.spotSeconds = new Float64Array(intervals * P);
  }

  /** Accelerators of pool p's nodes (ready and provisioning) in no replica: what it pays for idle. */
  idleAccelerators(p: number): number {
    let used = 0;
    for (const g of this.topo.groupsByPool[p]) {
      const grp = this.topo.groups[g];
      used += (this.serving[g] + this.loading[g] + this.draining[g]) * grp.acceleratorsPerReplica;
    }
    return (this.readyNodes[p] + this.provisioningNodes[p]) * this.perNode[p] - used;
  }

  /** Accelerators of ready nodes not taken by any replica (footprints): what a load may start on now. */
  freeReady(p: number): number {
    let used = 0;
    for (const g of this.topo.groupsByPool[p]) {
      used += (this.serving[g] + this.loading[g] + this.draining[g]) * this.footprint[g];
    }
    return this.readyNodes[p] * this.perNode[p] - this.reclaiming[p] - used;
  }

  /** Accelerators replicas draining in pool p will give back. */
  drainingAccelerators(p: number): number {
    let draining = 0;
    for (const g of this.topo.groupsByPool[p]) draining += this.draining[g] * this.footprint[g];
    return draining;
  }

  /** Accelerators that are or will be free (draining replicas, provisioning nodes) and not yet claimed by a waiting load. */
  claimable(p: number): number {
    let waiting = 0;
    for (const g of this.topo.groupsByPool[p]) waiting += this.waiting[g] * this.footprint[g];
    return (
      this.freeReady(p) + this.drainingAccelerators(p) + this.provisioningNodes[p] * this.perNode[p] - waiting
    );
  }

  /** Replicas of group g counted against its slots (every state but gone). */
  occupied(g: number): number {
    return this.serving[g] + this.loading[g] + this.draining[g] + this.waiting[g];
  }

  /** Replicas the autoscaler counts as the group's: serving, loading or waiting (not draining). */
  committed(g: number): number {
    return this.serving[g] + this.loading[g] + this.waiting[g];
  }

  /** Integrates idle accelerators and loading replicas up to t (split at report-interval edges). */
  advance(t: number): void {
    const P = this.perNode.length;
    const G = this.topo.groups.length;
    while (this.clock < t) {
      const k = Math.min(this.intervals - 1, Math.floor(this.clock / this.reportInterval + 1e-9));
      const edge = k === this.intervals - 1 ? t : Math.min(t, (k + 1) * this.reportInterval);
      const dt = edge - this.clock;
      if (dt <= 0) break;
      for (let p = 0; p < P; p++) {
        if (!this.managed[p]) continue;
        this.idleSeconds[k * P + p] += this.idleAccelerators(p) * dt;
        const spot = this.spotNodes[p] + this.spotProvisioning[p];
        if (spot > 0) this.spotSeconds[k * P + p] += spot * this.perNode[p] * dt;
      }
      for (let g = 0; g < G; g++) {
        if (this.loading[g] > 0) this.loadingSeconds[k * G + g] += this.loading[g] * dt;
      }
      this.clock = edge;
    }
  }
}
