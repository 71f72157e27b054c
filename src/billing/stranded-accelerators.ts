/**
 * Accelerators that sit on a group's nodes but belong to no replica: 3 nodes of 4 accelerators
 * hold one 8-accelerator replica and strand 4; 1 node of 8 holds two 3-accelerator replicas and
 * strands 2. The run's grid counts replica-seconds only, so a pool's cost would miss these; they
 * follow from the build-out plan alone (initial nodes, then each fleet change at its time, as the
 * simulation's timeline applies them), per report interval x group, in accelerator-seconds.
 */

import type { RunResult } from "../contract/run-result.js";
import { replicasPerNodes } from "../fleet/placement.js";
import { managedPoolIds } from "../scenario/managed-pools.js";

export function strandedAcceleratorSeconds(run: RunResult): Float64Array {
  const s = run.scenario;
  const G = run.topology.groups.length;
  const out = new Float64Array(run.intervals * G);
  const changes = s.fleet.changes
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.at < s.horizon)
    .sort((a, b) => a.c.at - b.c.at || a.i - b.i)
    .map(({ c }) => c);
  // The autoscaler's pools count every accelerator in no replica as idle (unassignedNodeSeconds).
  const managed = managedPoolIds(s);
  for (const g of run.topology.groups) {
    if (managed.has(g.pool.id)) continue;
    const perNode = g.profile.acceleratorsPerNode;
    const stranded = (nodes: number) =>
      nodes * perNode -
      Math.min(g.slots, replicasPerNodes(g.profile, g.model, nodes)) * g.acceleratorsPerReplica;
    let nodes = g.initialNodes;
    let from = 0;
    const addSpan = (to: number) => {
      const rate = stranded(nodes);
      if (rate > 0) spread(out, G, g.index, from, to, rate, s.reportInterval, run.intervals);
      from = to;
    };
    for (const c of changes) {
      if (c.pool !== g.pool.id || c.model !== g.model.id) continue;
      addSpan(c.at);
      nodes = Math.max(0, nodes + c.deltaNodes);
    }
    addSpan(s.horizon);
  }
  return out;
}

/** Adds rate x (overlap of [from, to) with each report interval) to the group's cells. */
function spread(
  out: Float64Array,
  groups: number,
  g: number,
  from: number,
  to: number,
  rate: number,
  interval: number,
  intervals: number,
): void {
  for (let k = Math.floor(from / interval); k < intervals; k++) {
    const a = Math.max(from, k * interval);
    const b = Math.min(to, (k + 1) * interval);
    if (b <= a) break;
    out[k * groups + g] += rate * (b - a);
  }
}
