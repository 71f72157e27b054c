/**
 * The decoding requests of a step replica by finish mark (the replica's decode-step count at which
 * each one has produced its last token): a binary min-heap over two typed arrays, so that the
 * next finish is read in O(1) and a request joins or leaves in O(log n). Each request's slot is
 * kept in `pos` (RequestStore.heapPos, passed in on every call: the store's arrays are replaced
 * when it grows).
 */
export class FinishHeap {
  readonly marks: Float64Array;
  readonly ids: Int32Array;
  /** Requests in the heap (the replica's decoding requests). */
  size = 0;

  constructor(capacity: number) {
    this.marks = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  insert(r: number, mark: number, pos: Int32Array): void {
    this.place(this.siftUp(this.size++, mark, pos), mark, r, pos);
  }

  /** Removes the entry in slot i. */
  remove(i: number, pos: Int32Array): void {
    const last = --this.size;
    if (i === last) return;
    const marks = this.marks;
    const ids = this.ids;
    const m = marks[last];
    const id = ids[last];
    // The last entry fills slot i: it moves up, or else down.
    i = this.siftUp(i, m, pos);
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && marks[c + 1] < marks[c]) c++;
      if (marks[c] >= m) break;
      marks[i] = marks[c];
      ids[i] = ids[c];
      pos[ids[i]] = i;
      i = c;
    }
    this.place(i, m, id, pos);
  }

  /** Moves parents larger than `mark` down from the empty slot i; returns where `mark` belongs. */
  private siftUp(i: number, mark: number, pos: Int32Array): number {
    const marks = this.marks;
    const ids = this.ids;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (marks[p] <= mark) break;
      marks[i] = marks[p];
      ids[i] = ids[p];
      pos[ids[i]] = i;
      i = p;
    }
    return i;
  }

  private place(i: number, mark: number, r: number, pos: Int32Array): void {
    this.marks[i] = mark;
    this.ids[i] = r;
    pos[r] = i;
  }
}
