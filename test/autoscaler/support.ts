/** Runs an autoscaling fixture with a request log, as `fleetsim run` would. */

import { computeFinancials } from "../../src/billing/financials.js";
import { summarize } from "../../src/billing/summary.js";
import type { RequestRecord } from "../../src/contract/request-log.js";
import { resultFiles } from "../../src/output/write-results.js";
import { simulate } from "../../src/run/simulate.js";
import { type LoadOptions, loadScenario } from "../../src/scenario/load.js";
import { scenarioPath } from "../support/run-scenario.js";

export async function runLogged(file: string, opts: LoadOptions = {}) {
  const scenario = await loadScenario(scenarioPath(file), opts);
  const log: RequestRecord[] = [];
  const run = await simulate(scenario, { requestLog: { add: (r) => log.push({ ...r }) } });
  const fin = computeFinancials(run);
  const summary = summarize(run, fin);
  return {
    scenario,
    run,
    fin,
    summary,
    log,
    events: run.scaling?.events ?? [],
    files: () => resultFiles(run, fin, summary),
  };
}

/** p99 of the values (nearest rank). */
export function p99(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.max(0, Math.ceil(0.99 * v.length) - 1)];
}
