/**
 * How a prompt-length threshold splits a workload's prompts, for model_routing by_prompt_length in
 * the fluid mode: the fraction above the threshold and the mean prompt on each side. Computed on
 * the whole-token draws the request engine makes (rounded, held to [1, cap]): exactly for
 * constant, uniform and empirical distributions, by quadrature for exponential and lognormal ones
 * (far finer than the fluid model's own error). A workload without a distribution (a trace, which
 * the fluid mode refuses today) is taken as exponential about its mean.
 */
import type { TokenDist } from "../scenario/types.js";
import { forEachTokenMass } from "./token-mass.js";

export interface PromptSplit {
  /** Fraction of prompts of more than `threshold` tokens. */
  long: number;
  /** Mean prompt tokens at or below the threshold, and above it (the overall mean when a side is empty). */
  meanShort: number;
  meanLong: number;
  /** Squared coefficient of variation of the prompts on each side (0 when a side is empty). */
  cv2Short: number;
  cv2Long: number;
}

export function promptSplit(dist: TokenDist | null, meanPrompt: number, threshold: number): PromptSplit {
  const acc = new Accumulator(threshold);
  forEachTokenMass(dist, meanPrompt, (tokens, weight) => acc.add(tokens, weight));
  return acc.result();
}

class Accumulator {
  private w = [0, 0];
  private sum = [0, 0];
  private sumSq = [0, 0];

  constructor(private readonly threshold: number) {}

  add(tokens: number, weight: number): void {
    const side = tokens > this.threshold ? 1 : 0;
    this.w[side] += weight;
    this.sum[side] += weight * tokens;
    this.sumSq[side] += weight * tokens * tokens;
  }

  private cv2(side: number): number {
    if (this.w[side] <= 0) return 0;
    const m = this.sum[side] / this.w[side];
    return Math.max(0, this.sumSq[side] / this.w[side] / (m * m) - 1);
  }

  result(): PromptSplit {
    const total = this.w[0] + this.w[1];
    const mean = (this.sum[0] + this.sum[1]) / total;
    return {
      long: this.w[1] / total,
      meanShort: this.w[0] > 0 ? this.sum[0] / this.w[0] : mean,
      meanLong: this.w[1] > 0 ? this.sum[1] / this.w[1] : mean,
      cv2Short: this.cv2(0),
      cv2Long: this.cv2(1),
    };
  }
}
