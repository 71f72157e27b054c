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

/** A stream keyed by the seed and names; uses seedrandom's fast xor4096 generator. */
export function deriveStream(seed: number, ...names: string[]): RandomStream {
  const key = [String(seed), ...names].join("\u0000");
  // seedrandom's generator reads only its closure, so it can serve as the method itself.
  return { next: seedrandom.xor4096(key) };
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
