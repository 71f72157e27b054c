/**
 * An indexed min-heap of a replica group's loads: the least-loaded replica in O(1), a load change
 * in O(log n). Ties go to the lower replica index, so routing is deterministic.
 */
export class LoadHeap {
  private readonly keys: Int32Array;
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  readonly size: number;

  /** `size` members, numbered 0..size-1, all starting at `initialKey`. */
  constructor(size: number, initialKey: number) {
    this.size = size;
    this.keys = new Int32Array(size).fill(initialKey);
    this.heap = new Int32Array(size);
    this.pos = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      this.heap[i] = i;
      this.pos[i] = i;
    }
  }

  /** Member with the smallest key (-1 when empty). */
  min(): number {
    return this.size > 0 ? this.heap[0] : -1;
  }

  key(member: number): number {
    return this.keys[member];
  }

  set(member: number, key: number): void {
    const old = this.keys[member];
    if (old === key) return;
    this.keys[member] = key;
    if (key < old) this.up(this.pos[member]);
    else this.down(this.pos[member]);
  }

  private less(a: number, b: number): boolean {
    const ka = this.keys[a];
    const kb = this.keys[b];
    return ka < kb || (ka === kb && a < b);
  }

  private up(i: number): void {
    const heap = this.heap;
    const m = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(m, heap[p])) break;
      heap[i] = heap[p];
      this.pos[heap[i]] = i;
      i = p;
    }
    heap[i] = m;
    this.pos[m] = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = this.size;
    const m = heap[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(heap[c + 1], heap[c])) c++;
      if (!this.less(heap[c], m)) break;
      heap[i] = heap[c];
      this.pos[heap[i]] = i;
      i = c;
    }
    heap[i] = m;
    this.pos[m] = i;
  }
}
