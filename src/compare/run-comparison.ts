/**
 * Runs scenarios A and B for seeds 1..N with the same seeds (common random numbers: every
 * workload's stream derives from seed + tenant + workload ids, so tenants present in both draw
 * identical requests) and compares their headline figures. Runs are sequential, so the result
 * depends only on the inputs.
 */
import { computeFinancials } from "../billing/financials.js";
import { type Summary, summarize } from "../billing/summary.js";
import { InputError } from "../errors.js";
import { estimateRun, overLimit, overLimitMessage } from "../run/preflight.js";
import { simulate } from "../run/simulate.js";
import { loadScenario } from "../scenario/load.js";
import type { Scenario } from "../scenario/types.js";
import { compareSummaries, type FigureComparison } from "./compare-summaries.js";

export interface CompareOptions {
  seeds: number;
  /** `PATH=VALUE` overrides applied to both scenarios. */
  set?: string[];
  /** Overrides applied to A only, and to B only (after `set`). */
  setA?: string[];
  setB?: string[];
  /** Horizon applied to both, e.g. "6h". */
  horizon?: string;
  /** Fidelity applied to both (request, fluid). */
  fidelity?: "request" | "fluid" | "hybrid";
  /** Called before each run. */
  onRun?: (info: { index: number; total: number; side: "A" | "B"; scenario: string; seed: number }) => void;
  /** Polled between event slices; true abandons the comparison (simulate throws RunAborted). */
  shouldStop?: () => boolean;
  /** Runs a scenario estimated above MAX_EVENTS_WITHOUT_FORCE events per run anyway. */
  force?: boolean;
  /** Called once both scenarios passed every check, before the first run (e.g. to check the output folder). */
  beforeRuns?: (a: Scenario, b: Scenario) => Promise<void>;
}

export interface SideResult {
  scenario: Scenario;
  /** One summary per seed, in seed order. */
  runs: Summary[];
}

export interface Comparison {
  seeds: number[];
  a: SideResult;
  b: SideResult;
  figures: FigureComparison[];
}

export const MAX_SEEDS = 1000;

export function checkSeeds(seeds: unknown): number {
  if (typeof seeds !== "number" || !Number.isInteger(seeds) || seeds < 2 || seeds > MAX_SEEDS) {
    throw new InputError({
      file: "--seeds",
      message: `must be a whole number from 2 to ${MAX_SEEDS} (a confidence interval needs two runs), got ${String(seeds)}`,
    });
  }
  return seeds;
}

export async function runComparison(fileA: string, fileB: string, opts: CompareOptions): Promise<Comparison> {
  const n = checkSeeds(opts.seeds);
  // Both files are loaded (and checked) before anything runs, so a mistake in B costs no time.
  const load = (file: string, extra: string[] | undefined) =>
    loadScenario(file, {
      set: [...(opts.set ?? []), ...(extra ?? [])],
      horizon: opts.horizon,
      fidelity: opts.fidelity,
    });
  const [sa, sb] = await loadBoth(load(fileA, opts.setA), load(fileB, opts.setB));
  if (!opts.force) {
    for (const [file, s] of [
      [fileA, sa],
      [fileB, sb],
    ] as const) {
      const e = await estimateRun(s);
      if (e !== null && overLimit(e, false))
        throw new InputError({ file, message: overLimitMessage("each run", e) });
    }
  }
  await opts.beforeRuns?.(sa, sb);
  const seeds = Array.from({ length: n }, (_, i) => i + 1);
  const a: Summary[] = [];
  const b: Summary[] = [];
  let index = 0;
  for (const seed of seeds) {
    for (const [side, s, out] of [
      ["A", sa, a],
      ["B", sb, b],
    ] as const) {
      opts.onRun?.({ index: index++, total: 2 * n, side, scenario: s.name, seed });
      const run = await simulate({ ...s, seed }, { shouldStop: opts.shouldStop });
      out.push(summarize(run, computeFinancials(run)));
    }
  }
  return {
    seeds,
    a: { scenario: sa, runs: a },
    b: { scenario: sb, runs: b },
    figures: compareSummaries(a, b),
  };
}

/** Both scenarios, or one InputError with the problems of both files. */
async function loadBoth(a: Promise<Scenario>, b: Promise<Scenario>): Promise<[Scenario, Scenario]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === "fulfilled" && rb.status === "fulfilled") return [ra.value, rb.value];
  const failures = [ra, rb].flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  const internal = failures.find((e) => !(e instanceof InputError));
  if (internal !== undefined) throw internal;
  throw new InputError(failures.flatMap((e) => (e as InputError).problems));
}
