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
  /** First member of each key's bucket, -1 when the bucket is empty. */
  private heads: Int32Array;
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
  }

  /** A member with the smallest key, -1 when none has a key. */
  min(): number {
    return this.minKey < 0 ? -1 : this.heads[this.minKey];
  }

  /** The smallest key a member has, NO_KEY when none has one. */
  leastKey(): number {
    return this.minKey;
  }

  key(member: number): number {
    return this.keys[member];
  }

  /**
   * Sets a member's key (a load >= 0), or NO_KEY to take it out. One function, no calls: it runs
   * twice per request on the routing path.
   */
  set(member: number, key: number): void {
    const old = this.keys[member];
    if (old === key) return;
    const next = this.next;
    const prev = this.prev;
    if (old !== NO_KEY) {
      const p = prev[member];
      const n = next[member];
      if (p >= 0) next[p] = n;
      else this.heads[old] = n;
      if (n >= 0) prev[n] = p;
      this.members--;
    }
    this.keys[member] = key;
    if (key !== NO_KEY) {
      if (key >= this.heads.length) this.grow(key);
      const heads = this.heads;
      const h = heads[key];
      next[member] = h;
      prev[member] = -1;
      if (h >= 0) prev[h] = member;
      heads[key] = member;
      this.members++;
      if (this.minKey < 0 || key < this.minKey) {
        this.minKey = key;
        return;
      }
    }
    if (this.members === 0) this.minKey = -1;
    else if (old === this.minKey && this.heads[old] < 0) this.raiseMin();
  }

  /** The smallest key's bucket emptied: the next non-empty one (some member has a larger key). */
  private raiseMin(): void {
    const heads = this.heads;
    let k = this.minKey;
    while (heads[k] < 0) k++;
    this.minKey = k;
  }

  private grow(key: number): void {
    let cap = this.heads.length;
    while (cap <= key) cap *= 2;
    const heads = new Int32Array(cap).fill(-1);
    heads.set(this.heads);
    this.heads = heads;
  }
}
