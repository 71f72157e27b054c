/**
 * The timeline as the fluid model sees it: the times where something changes (fleet changes,
 * outages starting or ending, price changes, load multipliers), and per group the replicas
 * present and available from such a time on. Same rules as the request engine (src/request/timeline.ts):
 * replicas are added from the lowest free slot and removed from the highest, a pool outage takes
 * the first round(present x fraction) slots of each of the pool's groups down (present when it
 * starts), a model outage all of the model's. So present replicas are slots [0, present) and down ones [0, down), and the
 * available ones [down, present). Removed replicas leave at once (the request engine drains them).
 */

import { replicasAt, type Topology } from "../contract/topology.js";
import type { Scenario } from "../scenario/types.js";

interface Outage {
  from: number;
  to: number;
  /** Slots down per group while it lasts. */
  down: Int32Array;
}

export interface PriceChange {
  at: number;
  model: number;
  input: number | null;
  output: number | null;
}

export class FluidTimeline {
  /** Sorted distinct times in (0, horizon) where the fleet, a price or a load changes. */
  readonly times: Float64Array;
  /** Price changes in the order the request engine applies them. */
  readonly prices: PriceChange[];
  private readonly outages: Outage[] = [];

  constructor(
    private readonly s: Scenario,
    private readonly topo: Topology,
  ) {
    const G = topo.groups.length;
    const times: number[] = s.fleet.changes.map((c) => c.at);
    const prices: PriceChange[] = [];
    for (const e of s.events) {
      times.push(e.at);
      if (e.type === "price_change") {
        const model = s.models.findIndex((m) => m.id === e.model);
        prices.push({ at: e.at, model, input: e.inputUsdPerMtok, output: e.outputUsdPerMtok });
      } else if (e.type === "model_outage" || e.type === "pool_outage") {
        times.push(e.at + e.duration);
        const down = new Int32Array(G);
        for (const g of topo.groups) {
          if (e.type === "model_outage" && g.model.id === e.model) down[g.index] = g.slots;
          if (e.type === "pool_outage" && g.pool.id === e.pool)
            down[g.index] = Math.round(this.presentAt(g, e.at) * e.fraction);
        }
        this.outages.push({ from: e.at, to: e.at + e.duration, down });
      }
    }
    this.prices = prices
      .map((p, i) => ({ p, i }))
      .sort((a, b) => a.p.at - b.p.at || a.i - b.i)
      .map((x) => x.p);
    const inside = [...new Set(times)].filter((t) => t > 0 && t < s.horizon).sort((a, b) => a - b);
    this.times = Float64Array.from(inside);
  }

  /** Replicas of group g present from time t on (every fleet change at or before t applied). */
  private presentAt(g: Topology["groups"][number], t: number): number {
    let nodes = g.initialNodes;
    for (const c of this.s.fleet.changes) {
      if (c.at <= t && c.pool === g.pool.id && c.model === g.model.id)
        nodes = Math.max(0, nodes + c.deltaNodes);
    }
    return replicasAt(g, nodes);
  }

  /** Replicas present and available per group from time t on (every change at or before t applied). */
  capacityAt(t: number, present: Int32Array, down: Int32Array): void {
    for (const g of this.topo.groups) {
      present[g.index] = this.presentAt(g, t);
      let d = 0;
      for (const o of this.outages) if (o.from <= t && t < o.to && o.down[g.index] > d) d = o.down[g.index];
      down[g.index] = d;
    }
  }
}

/** Available replicas of a group with `present` present and the first `down` slots down. */
export function availableOf(present: number, down: number): number {
  return Math.max(0, present - Math.min(present, down));
}
