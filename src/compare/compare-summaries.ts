/** Per headline figure: the interval of A, of B, and of the paired differences B - A (seed by seed). */
import type { Summary } from "../billing/summary.js";
import { type MeanInterval, meanInterval, pairedDifference } from "./confidence.js";
import { FIGURES, type Figure } from "./figures.js";

export interface FigureComparison {
  figure: Figure;
  a: MeanInterval | null;
  b: MeanInterval | null;
  /** B - A over the seeds where both are defined. */
  diff: MeanInterval | null;
}

/** `a[i]` and `b[i]` must be runs with the same seed (common random numbers). */
export function compareSummaries(
  a: Summary[],
  b: Summary[],
  figures: readonly Figure[] = FIGURES,
  level = 0.95,
): FigureComparison[] {
  if (a.length !== b.length) throw new RangeError(`A has ${a.length} runs, B has ${b.length}`);
  a.forEach((s, i) => {
    if (s.seed !== b[i].seed) throw new RangeError(`run ${i} pairs seed ${s.seed} with seed ${b[i].seed}`);
  });
  return figures.map((figure) => {
    const va = a.map((s) => figure.of(s));
    const vb = b.map((s) => figure.of(s));
    return {
      figure,
      a: meanInterval(defined(va), level),
      b: meanInterval(defined(vb), level),
      diff: pairedDifference(va, vb, level),
    };
  });
}

function defined(values: Array<number | null>): number[] {
  return values.filter((v): v is number => v !== null);
}
