/**
 * One run of a sweep, exactly as `fleetsim run` computes it minus the files: load the scenario with
 * the run's overrides and seed, simulate, bill, summarize. The result is summary.csv's row as text.
 */
import { computeFinancials } from "../billing/financials.js";
import { summarize } from "../billing/summary.js";
import { formatCell } from "../output/csv.js";
import { summaryRow } from "../output/tables.js";
import { simulate } from "../run/simulate.js";
import { loadScenario } from "../scenario/load.js";

/** Structured-cloneable, so that it can be posted to a worker thread. */
export interface RunTask {
  /** The sweep's run index. */
  run: number;
  file: string;
  set: string[];
  seed: number;
  horizon?: string;
  fidelity?: "request" | "fluid" | "hybrid";
}

export async function runOne(t: RunTask, shouldStop?: () => boolean): Promise<string[]> {
  const scenario = await loadScenario(t.file, {
    set: t.set,
    seed: t.seed,
    horizon: t.horizon,
    fidelity: t.fidelity,
  });
  const run = await simulate(scenario, { shouldStop });
  return summaryRow(summarize(run, computeFinancials(run))).map((c) => formatCell(c));
}
