/**
 * Node counts of a few slots in order of cost: best-first over the lattice of counts (min, min +
 * step, ... max per slot) from the cheapest corner, each count vector once. A binary heap keyed by
 * cost; ties broken by the vector, so the order is deterministic.
 */
export interface LatticeAxis {
  min: number;
  max: number;
  step: number;
  /** Cost of one node. */
  unitCost: number;
}

interface Entry {
  cost: number;
  key: string;
  nodes: number[];
}

export class CostOrderedLattice {
  private readonly heap: Entry[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly axes: readonly LatticeAxis[]) {
    this.offer(axes.map((a) => a.min));
  }

  /** The next cheapest count vector, or null when the lattice is exhausted. */
  next(): { nodes: number[]; cost: number } | null {
    const top = this.pop();
    if (!top) return null;
    this.axes.forEach((a, k) => {
      const n = top.nodes[k] + a.step;
      if (n <= a.max) this.offer(top.nodes.map((v, j) => (j === k ? n : v)));
    });
    return { nodes: top.nodes, cost: top.cost };
  }

  private offer(nodes: number[]): void {
    const key = nodes.join(",");
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const cost = nodes.reduce((a, n, k) => a + n * this.axes[k].unitCost, 0);
    this.heap.push({ cost, key, nodes });
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(this.heap[i], this.heap[p])) break;
      [this.heap[i], this.heap[p]] = [this.heap[p], this.heap[i]];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop() as Entry;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  if (a.cost !== b.cost) return a.cost < b.cost;
  return a.key < b.key;
}

/** Whether a <= b in every slot. */
export function dominatedBy(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] > b[i]) return false;
  return true;
}
