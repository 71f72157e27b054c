/**
 * The loads of a replica group, bucketed by value: the least-loaded member in O(1) and a load change
 * in O(1) (loads move by one request at a time, so the minimum moves at most a step or two). Each
 * bucket is an intrusive doubly linked list over typed arrays; members with no key (unavailable
 * replicas) are in no bucket. Within a bucket the most recently moved member comes first, which is
 * deterministic. (It replaced an indexed binary heap that cost a sift of log n at every change.)
 */
export const NO_KEY = -1;

export class LoadBuckets {
  private readonly keys: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private heads: Int32Array;
  private counts: Int32Array;
  /** Smallest key with a member, or -1 when empty. */
  private minKey = -1;
  private members = 0;
  readonly size: number;

  constructor(size: number) {
    this.size = size;
    this.keys = new Int32Array(size).fill(NO_KEY);
    this.next = new Int32Array(size).fill(-1);
    this.prev = new Int32Array(size).fill(-1);
    this.heads = new Int32Array(16).fill(-1);
    this.counts = new Int32Array(16);
  }

  /** A member with the smallest key, -1 when none has a key. */
  min(): number {
    return this.minKey < 0 ? -1 : this.heads[this.minKey];
  }

  key(member: number): number {
    return this.keys[member];
  }

  /** Sets a member's key (a load >= 0), or NO_KEY to take it out. */
  set(member: number, key: number): void {
    const old = this.keys[member];
    if (old === key) return;
    if (old !== NO_KEY) this.unlink(member, old);
    this.keys[member] = key;
    if (key === NO_KEY) {
      if (this.members === 0) this.minKey = -1;
      else if (old === this.minKey && this.counts[old] === 0) this.raiseMin();
      return;
    }
    this.link(member, key);
    if (this.minKey < 0 || key < this.minKey) this.minKey = key;
    else if (old === this.minKey && this.counts[old] === 0) this.raiseMin();
  }

  private raiseMin(): void {
    let k = this.minKey;
    while (this.counts[k] === 0) k++;
    this.minKey = k;
  }

  private link(m: number, key: number): void {
    if (key >= this.heads.length) this.grow(key);
    const h = this.heads[key];
    this.next[m] = h;
    this.prev[m] = -1;
    if (h >= 0) this.prev[h] = m;
    this.heads[key] = m;
    this.counts[key]++;
    this.members++;
  }

  private unlink(m: number, key: number): void {
    const p = this.prev[m];
    const n = this.next[m];
    if (p >= 0) this.next[p] = n;
    else this.heads[key] = n;
    if (n >= 0) this.prev[n] = p;
    this.counts[key]--;
    this.members--;
  }

  private grow(key: number): void {
    let cap = this.heads.length;
    while (cap <= key) cap *= 2;
    const heads = new Int32Array(cap).fill(-1);
    heads.set(this.heads);
    const counts = new Int32Array(cap);
    counts.set(this.counts);
    this.heads = heads;
    this.counts = counts;
  }
}
