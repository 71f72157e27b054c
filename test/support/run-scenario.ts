/** Test support: run a scenario file (with overrides) in-process and return everything it produced. */
import { resolve } from "node:path";
import { computeFinancials } from "../../src/billing/financials.js";
import { summarize } from "../../src/billing/summary.js";
import { planRun } from "../../src/contract/plan.js";
import type { RunOptions } from "../../src/contract/run-options.js";
import { resultFiles } from "../../src/output/write-results.js";
import { createRun } from "../../src/request/simulation.js";
import { simulate } from "../../src/run/simulate.js";
import { type LoadOptions, loadScenario } from "../../src/scenario/load.js";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const scenarioPath = (rel: string) => resolve(repoRoot, rel);

/**
 * Runs a scenario as `fleetsim run` does (`whole`: as one run over every workload, even where its
 * fleet splits into independent parts, which are otherwise run one after another).
 */
export async function runScenario(
  file: string,
  opts: LoadOptions = {},
  whole = false,
  runOpts: RunOptions = {},
) {
  const scenario = await loadScenario(scenarioPath(file), opts);
  const run = whole
    ? await createRun(scenario, await planRun(scenario), null).execute(runOpts)
    : await simulate(scenario, runOpts);
  const fin = computeFinancials(run);
  const summary = summarize(run, fin);
  return { scenario, run, fin, summary, files: () => resultFiles(run, fin, summary) };
}
