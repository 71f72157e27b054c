/**
 * Seeded random streams. Every stream is derived from the run seed and a list of names (for
 * example a tenant id and a workload id), so adding or removing one stream's owner never shifts
 * the draws of another: common random numbers across scenario variants.
 */
import seedrandom from "seedrandom";

export interface RandomStream {
  /** Uniform in [0, 1). */
  next(): number;
}

/** A stream keyed by the seed and names: seedrandom's xor4096 generator (see Xor4096Stream). */
export function deriveStream(seed: number, ...names: string[]): RandomStream {
  return new Xor4096Stream([String(seed), ...names].join("\u0000"));
}

/**
 * seedrandom's xor4096 (Brent's xorgen with a Weyl sequence), seeded by seedrandom itself and
 * stepped here, giving the same draws. Why not call seedrandom's generator: each of its streams
 * is a closure of its own, so a call site that draws from more than a handful of streams (a
 * fleet's workloads, each with arrival and token streams) calls a different function each time;
 * V8 then inlines none of them and boxes every double they return, an allocation per draw. One
 * class's method stays inlinable whatever the number of streams.
 * (test/engine/random.test.ts checks the draws against seedrandom's.)
 */
export class Xor4096Stream implements RandomStream {
  private readonly x: Int32Array;
  private w: number;
  private i: number;

  constructor(key: string) {
    const state = seedrandom.xor4096(key, { state: true }).state() as { X: number[]; w: number; i: number };
    this.x = Int32Array.from(state.X);
    this.w = state.w | 0;
    this.i = state.i | 0;
  }

  next(): number {
    const x = this.x;
    const w = (this.w + 0x61c88647) | 0;
    this.w = w;
    let v = x[(this.i + 34) & 127];
    const i = (this.i + 1) & 127;
    let t = x[i];
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v ^= t;
    x[i] = v;
    this.i = i;
    return ((v + (w ^ (w >>> 16))) >>> 0) / 0x100000000;
  }
}

/**
 * Standard normal draws from a stream by Marsaglia's polar method, using both values of each pair:
 * a uniform point in the unit disc (rejection, about 1.27 tries) gives two independent normals
 * with one logarithm and one square root, and no sine or cosine (Box-Muller's trigonometric pair
 * was about half the cost of a lognormal token draw).
 */
export class NormalSource {
  private spare = 0;
  private hasSpare = false;

  constructor(private readonly rng: RandomStream) {}

  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.rng.next() - 1;
      v = 2 * this.rng.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }
}
