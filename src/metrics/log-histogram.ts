/**
 * A log-linear histogram with bounded relative error, in constant memory and without a logarithm per
 * value: the bucket is read off the float's bits (exponent and the top 6 bits of the mantissa), so
 * each power of two is split into 64 buckets and a quantile, reported at its bucket's midpoint, is
 * within 1/128 (0.78 %) of a value of that rank. Covers 2^-40 (about 1e-12) to 2^40 (about 1e12);
 * smaller positive values count in the first bucket, larger in the last, zero and below separately.
 *
 * It replaced a DDSketch (the same guarantee through Math.log) after profiling showed the sketch at
 * about 9 % of the hot loop.
 */
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
const MIN_EXP = -40;
const MAX_EXP = 40;
const BUCKETS = (MAX_EXP - MIN_EXP) * SUB;
export const MAX_RELATIVE_ERROR = 1 / (2 * SUB);
/** Bucket 0's exponent * SUB in the float's bits. */
const BIAS = (1023 + MIN_EXP) * SUB;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // high word index (little-endian: 1)

export class LogHistogram {
  /**
   * Allocated at the first positive value: a run keeps three histograms per tenant x model row,
   * and each independent part of a fleet holds every row (40 KB each when allocated), most of
   * them never used by that part.
   */
  private counts: Float64Array | null = null;
  private zeros = 0;
  count = 0;

  add(v: number): void {
    this.count++;
    if (!(v > 0)) {
      this.zeros++;
      return;
    }
    f64[0] = v;
    // The exponent's 11 bits and the mantissa's top SUB_BITS are adjacent in the high word (the
    // sign bit above them is 0 for v > 0): one shift gives exponent * SUB + sub-bucket.
    let b = (u32[HI] >>> (20 - SUB_BITS)) - BIAS;
    if (b < 0) b = 0;
    else if (b >= BUCKETS) b = BUCKETS - 1;
    let counts = this.counts;
    if (counts === null) counts = this.counts = new Float64Array(BUCKETS);
    counts[b]++;
  }

  /** Adds every value `other` recorded (the hybrid mode joins its request windows' histograms). */
  merge(other: LogHistogram): void {
    this.count += other.count;
    this.zeros += other.zeros;
    const from = other.counts;
    if (from === null) return;
    if (this.counts === null) this.counts = new Float64Array(BUCKETS);
    const to = this.counts;
    for (let b = 0; b < BUCKETS; b++) to[b] += from[b];
  }

  /** The value at quantile q (0..1) within the relative error bound, or null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.min(this.count - 1, Math.max(0, Math.floor(q * (this.count - 1))));
    if (rank < this.zeros) return 0;
    const counts = this.counts;
    if (counts === null) return null; // not reached: every value counted is a zero
    let seen = this.zeros;
    for (let b = 0; b < BUCKETS; b++) {
      seen += counts[b];
      if (seen > rank) {
        const e = Math.floor(b / SUB) + MIN_EXP;
        const m = b % SUB;
        return 2 ** e * (1 + (m + 0.5) / SUB);
      }
    }
    return null;
  }
}
