/**
 * The share of a workload's requests between two lengths, prompt + output tokens, and their mean
 * tokens, for the fluid mode's context and KV-memory limits (the request engine skips a route class that cannot hold a
 * request, and rejects it when none can). Prompt and output are drawn independently (separate
 * streams), so P(lo < p + o <= hi) = sum over prompt values p of P(p) x P(lo - p < o <= hi - p),
 * on the same
 * whole-token points as the request engine's draws (src/fluid/token-mass.ts).
 */
import type { TokenDist } from "../scenario/types.js";
import { forEachTokenMass } from "./token-mass.js";

/** Distinct token values in increasing order, with their probabilities. */
interface Mass {
  values: Float64Array;
  probs: Float64Array;
}

function massOf(dist: TokenDist | null, mean: number): Mass {
  // The points come in increasing order for every distribution but an empirical one, so equal
  // values merge as they come; otherwise they are sorted once at the end.
  const values: number[] = [];
  const weights: number[] = [];
  let sorted = true;
  let total = 0;
  forEachTokenMass(dist, mean, (tokens, weight) => {
    total += weight;
    const last = values.length - 1;
    if (last >= 0 && values[last] === tokens) {
      weights[last] += weight;
      return;
    }
    if (last >= 0 && tokens < values[last]) sorted = false;
    values.push(tokens);
    weights.push(weight);
  });
  if (!sorted) return merged(values, weights, total);
  return { values: Float64Array.from(values), probs: Float64Array.from(weights, (w) => w / total) };
}

function merged(values: number[], weights: number[], total: number): Mass {
  const byValue = new Map<number, number>();
  values.forEach((v, i) => {
    byValue.set(v, (byValue.get(v) ?? 0) + weights[i]);
  });
  const distinct = Float64Array.from(byValue.keys()).sort();
  return { values: distinct, probs: Float64Array.from(distinct, (v) => byValue.get(v)! / total) };
}

/** The requests whose prompt + output lies in a band of lengths: their share and mean tokens. */
export interface LengthBand {
  share: number;
  /** Mean prompt and output tokens of the band's requests (NaN when the share is 0). */
  meanPrompt: number;
  meanOutput: number;
}

export class LengthTail {
  private readonly prompt: Mass;
  private readonly output: Mass;
  /** above[i] = P(output > output.values[i - 1]); above[0] = 1. */
  private readonly above: Float64Array;
  /** aboveTokens[i] = E[output; output > output.values[i - 1]]. */
  private readonly aboveTokens: Float64Array;

  constructor(prompt: TokenDist | null, meanPrompt: number, output: TokenDist | null, meanOutput: number) {
    this.prompt = massOf(prompt, meanPrompt);
    this.output = massOf(output, meanOutput);
    const { values, probs } = this.output;
    const n = values.length;
    this.above = new Float64Array(n + 1);
    this.aboveTokens = new Float64Array(n + 1);
    // summed from the top so that small tails keep their precision
    for (let i = n - 1; i >= 0; i--) {
      this.above[i] = this.above[i + 1] + probs[i];
      this.aboveTokens[i] = this.aboveTokens[i + 1] + probs[i] * values[i];
    }
  }

  /** The requests with lo < prompt + output <= hi (hi Infinity: every request longer than lo). */
  band(lo: number, hi: number): LengthBand {
    let share = 0;
    let promptSum = 0;
    let outputSum = 0;
    const { values, probs } = this.prompt;
    for (let i = 0; i < values.length; i++) {
      const a = this.firstAbove(lo - values[i]);
      const b = hi === Number.POSITIVE_INFINITY ? this.above.length - 1 : this.firstAbove(hi - values[i]);
      const p = this.above[a] - this.above[b];
      if (p <= 0) continue;
      share += probs[i] * p;
      promptSum += probs[i] * p * values[i];
      outputSum += probs[i] * (this.aboveTokens[a] - this.aboveTokens[b]);
    }
    return {
      share: Math.min(1, share),
      meanPrompt: share > 0 ? promptSum / share : Number.NaN,
      meanOutput: share > 0 ? outputSum / share : Number.NaN,
    };
  }

  /** Index of the first output value above x (the output's length when none is). */
  private firstAbove(x: number): number {
    const v = this.output.values;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
