/**
 * The runs of a sweep: the cartesian product of the --vary axes (the first axis varies slowest,
 * like nested loops in the order given) times seeds 1..N. Run indexes are variant-major:
 * run = variant * seeds + (seed - 1), so they depend only on the axes and the seed count.
 */
import type { VaryAxis } from "./vary.js";

export interface SweepRun {
  /** 0-based, stable: the row order of summary.csv. */
  run: number;
  /** 0-based index of the variant (one combination of the axes' values). */
  variant: number;
  seed: number;
  /** One value per axis, in axis order. */
  values: string[];
  /** The variant as `PATH=VALUE` overrides, in axis order. */
  sets: string[];
}

export function variantCount(axes: readonly VaryAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** The axis values of variant `v` (mixed-radix digits, the last axis fastest). */
export function variantValues(axes: readonly VaryAxis[], v: number): string[] {
  const values: string[] = new Array(axes.length);
  let rest = v;
  for (let k = axes.length - 1; k >= 0; k--) {
    const n = axes[k].values.length;
    values[k] = axes[k].values[rest % n];
    rest = Math.floor(rest / n);
  }
  return values;
}

export function runOf(axes: readonly VaryAxis[], seeds: number, run: number): SweepRun {
  const variant = Math.floor(run / seeds);
  const values = variantValues(axes, variant);
  return {
    run,
    variant,
    seed: (run % seeds) + 1,
    values,
    sets: axes.map((a, k) => `${a.path}=${values[k]}`),
  };
}

export function expandGrid(axes: readonly VaryAxis[], seeds: number): SweepRun[] {
  const total = variantCount(axes) * seeds;
  return Array.from({ length: total }, (_, run) => runOf(axes, seeds, run));
}
