/**
 * A binary min-heap of events kept in flat typed arrays: times in a Float64Array, an insertion
 * sequence number for deterministic tie-breaking (earlier insertion first at equal times), and one
 * Int32 payload packing an event kind (0..7) and an entity index (0..2^28-1). No object per event:
 * pushing and popping allocate nothing once the arrays have grown to the run's peak size.
 */
const KIND_BITS = 3;
const KIND_MASK = (1 << KIND_BITS) - 1;
export const MAX_EVENT_ID = (1 << (31 - KIND_BITS)) - 1;

export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private payloads: Int32Array;
  private n = 0;
  private nextSeq = 0;

  /** Payload of the event last returned by pop(). */
  kind = 0;
  id = 0;
  time = 0;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.payloads = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Number.POSITIVE_INFINITY;
  }

  push(time: number, kind: number, id: number): void {
    if (this.n === this.times.length) this.grow();
    const seq = this.nextSeq++;
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    let i = this.n++;
    // A new event has the largest sequence number, so it only rises past strictly later times.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt <= time) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      payloads[i] = payloads[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    payloads[i] = (id << KIND_BITS) | kind;
  }

  /** Removes the earliest event and exposes it in `time`, `kind`, `id`. Returns false when empty. */
  pop(): boolean {
    const n = this.n;
    if (n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    this.time = times[0];
    const top = payloads[0];
    this.kind = top & KIND_MASK;
    this.id = top >> KIND_BITS;
    const last = n - 1;
    this.n = last;
    if (last === 0) return true;
    const t = times[last];
    const s = seqs[last];
    const d = payloads[last];
    let i = 0;
    const half = last >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (times[r] < times[c] || (times[r] === times[c] && seqs[r] < seqs[c]))) c = r;
      const ct = times[c];
      if (t < ct || (t === ct && s < seqs[c])) break;
      times[i] = ct;
      seqs[i] = seqs[c];
      payloads[i] = payloads[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
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
    const s = new Float64Array(cap);
    s.set(this.seqs);
    this.seqs = s;
    const d = new Int32Array(cap);
    d.set(this.payloads);
    this.payloads = d;
  }
}
