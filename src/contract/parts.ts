/**
 * Independent parts of a request-level run: workloads whose route chains (requested model, then
 * fallbacks) share no replica group. Requests of one part never meet another part's replicas,
 * queues or preemptions, so each part can be simulated on its own, on any thread, and the parts'
 * results added up (see src/run/parts-run.ts). Common on real fleets: a pool serves each model on its own
 * nodes, so models without fallbacks between them are independent.
 */
import type { Routes } from "./routes.js";

/**
 * The workloads of each part, each list ascending, parts ordered by their first workload. A
 * workload with no replica group at all (everything it sends is rejected) joins the first part.
 */
export function independentParts(routes: Routes, groups: number): number[][] {
  const W = routes.workloads.length;
  // Union-find over workloads (0..W-1) and groups (W..W+groups-1).
  const parent = Int32Array.from({ length: W + groups }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const grouped = new Uint8Array(W);
  for (const w of routes.workloads) {
    for (const c of w.chain) {
      for (const g of routes.classes[c].groups) {
        union(w.index, W + g);
        grouped[w.index] = 1;
      }
    }
  }
  const byRoot = new Map<number, number[]>();
  const loose: number[] = [];
  for (let w = 0; w < W; w++) {
    if (!grouped[w]) {
      loose.push(w);
      continue;
    }
    const r = find(w);
    const list = byRoot.get(r) ?? [];
    list.push(w);
    byRoot.set(r, list);
  }
  const parts = [...byRoot.values()].sort((a, b) => a[0] - b[0]);
  if (loose.length > 0) {
    if (parts.length === 0) parts.push(loose);
    else parts[0] = [...parts[0], ...loose].sort((a, b) => a - b);
  }
  return parts;
}

/**
 * The part that owns each replica group: the one whose workloads' route chains reach it; groups no
 * workload reaches (idle capacity), part 0. A part's run builds only the replicas of the groups it
 * owns, and the merge reads each group's figures from its owner.
 */
export function groupOwners(routes: Routes, groups: number, parts: number[][]): Int32Array {
  const owner = new Int32Array(groups);
  parts.forEach((p, i) => {
    for (const w of p) {
      for (const c of routes.workloads[w].chain) {
        for (const g of routes.classes[c].groups) owner[g] = i;
      }
    }
  });
  return owner;
}

/** What one part's run covers: its workloads, and the replica groups it owns (1 = owned). */
export interface PartScope {
  workloads: readonly number[];
  groups: Uint8Array;
}

/** Each part's scope (see groupOwners). */
export function partScopes(routes: Routes, groups: number, parts: number[][]): PartScope[] {
  const owner = groupOwners(routes, groups, parts);
  return parts.map((workloads, i) => ({
    workloads,
    groups: Uint8Array.from(owner, (o) => (o === i ? 1 : 0)),
  }));
}
