/**
 * The hot loop's figure over several processes. Which calls V8 inlines, and so how fast the same
 * build runs, is decided once per process from the feedback at the time; a neighbour on a shared
 * machine slows whole stretches of seconds. One process is therefore one draw (the same build's
 * best-round ratio spanned 0.555-0.684 over four single-process benches within ten minutes on
 * 2026-12-06), and the figure the target and the gate read is the median over several.
 */
export interface ProcessFigure {
  /** The process's best round's ratio, engine rate over reference rate (bench/hot-loop.ts). */
  ratio: number;
  /** The process's best engine rate over its best reference rate. */
  ratioOfBestRates: number;
  engineEventsPerS: number;
  referenceEventsPerS: number;
}

export interface CombinedFigure extends ProcessFigure {
  processes: number;
  /** Each process's `ratio`, sorted. */
  ratios: number[];
  /** Each process's `ratioOfBestRates`, sorted. */
  ratiosOfBestRates: number[];
}

/** The median of a non-empty list (the lower middle of an even one, which never flatters). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of nothing");
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1];
}

/** Each figure's median over the processes (each figure on its own: they may come from different processes). */
export function combineProcesses(figures: readonly ProcessFigure[]): CombinedFigure {
  const sorted = (f: (p: ProcessFigure) => number) => figures.map(f).sort((a, b) => a - b);
  return {
    processes: figures.length,
    ratio: median(figures.map((p) => p.ratio)),
    ratioOfBestRates: median(figures.map((p) => p.ratioOfBestRates)),
    engineEventsPerS: median(figures.map((p) => p.engineEventsPerS)),
    referenceEventsPerS: median(figures.map((p) => p.referenceEventsPerS)),
    ratios: sorted((p) => p.ratio),
    ratiosOfBestRates: sorted((p) => p.ratioOfBestRates),
  };
}
