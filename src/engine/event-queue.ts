/**
 * A binary min-heap of events kept in flat typed arrays: times in a Float64Array and one Int32
 * payload packing an event kind (0..7) and an entity index (0..2^28-1). Events at equal times pop
 * in payload order (entity index, then kind): a deterministic tie-break that needs no third array.
 * No object per event: pushing and popping allocate nothing once the arrays have grown to the
 * run's peak size.
 */
const KIND_BITS = 3;
const KIND_MASK = (1 << KIND_BITS) - 1;
export const MAX_EVENT_ID = (1 << (31 - KIND_BITS)) - 1;

export class EventQueue {
  private times: Float64Array;
  private payloads: Int32Array;
  private n = 0;

  /** Payload of the event last returned by pop(). */
  kind = 0;
  id = 0;
  time = 0;
  /** The time of the event add() adds (see there); a float from the start, as it stays. */
  pending = Number.NaN;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.payloads = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Number.POSITIVE_INFINITY;
  }

  /**
   * True when this queue's earliest event comes before `other`'s in the order both pop in (time,
   * then payload), so two queues can be merged as if they were one. False when this one is empty.
   */
  precedes(other: EventQueue): boolean {
    if (this.n === 0) return false;
    if (other.n === 0) return true;
    const t = this.times[0];
    const u = other.times[0];
    return t < u || (t === u && this.payloads[0] < other.payloads[0]);
  }

  /** Adds an event at `time`. */
  push(time: number, kind: number, id: number): void {
    this.pending = time;
    this.add(kind, id);
  }

  /**
   * Adds an event at the time in `pending`: the way for hot paths, which set the field and pass
   * integers only. A float argument to a call V8 leaves out of line is boxed, an allocation per
   * event, and whether V8 inlines a call changes from process to process (a callee that has
   * optimised code of its own counts as that code's size), so only a field store is sure to box
   * nothing.
   */
  add(kind: number, id: number): void {
    if (this.n === this.times.length) this.grow();
    const times = this.times;
    const payloads = this.payloads;
    const time = this.pending;
    const payload = (id << KIND_BITS) | kind;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && payloads[p] <= payload)) break;
      times[i] = pt;
      payloads[i] = payloads[p];
      i = p;
    }
    times[i] = time;
    payloads[i] = payload;
  }

  /** Removes the earliest event and exposes it in `time`, `kind`, `id`. Returns false when empty. */
  pop(): boolean {
    return this.popBefore(Number.POSITIVE_INFINITY);
  }

  /**
   * Removes the earliest event if its time is below `limit` and exposes it in `time`, `kind`, `id`;
   * returns false (removing nothing) when there is none (one look at the top, not two).
   */
  popBefore(limit: number): boolean {
    const n = this.n;
    if (n === 0) return false;
    const times = this.times;
    if (times[0] >= limit) return false;
    const payloads = this.payloads;
    this.time = times[0];
    const top = payloads[0];
    this.kind = top & KIND_MASK;
    this.id = top >> KIND_BITS;
    const last = n - 1;
    this.n = last;
    if (last === 0) return true;
    const t = times[last];
    const d = payloads[last];
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (times[r] < times[c] || (times[r] === times[c] && payloads[r] < payloads[c]))) c = r;
      const ct = times[c];
      if (t < ct || (t === ct && d < payloads[c])) break;
      times[i] = ct;
      payloads[i] = payloads[c];
      i = c;
    }
    times[i] = t;
    payloads[i] = d;
    return true;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    this.times = t;
    const d = new Int32Array(cap);
    d.set(this.payloads);
    this.payloads = d;
  }
}
