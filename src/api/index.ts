/**
 * fleetsim as a library: `import { loadScenario, runScenario } from "fleetsim"`. The entry points a
 * program needs (load and check a scenario, run it with progress and cancellation, its money and
 * summary, its output files, compare two scenarios, sweep one) over the same modules the command
 * line uses. docs/api.md documents each with a runnable example.
 */
import { computeFinancials, type Financials } from "../billing/financials.js";
import { type Summary, summarize } from "../billing/summary.js";
import type { RequestLog } from "../contract/request-log.js";
import type { RunResult } from "../contract/run-result.js";
import { RunAborted } from "../errors.js";
import { writeDirAtomically } from "../output/atomic-dir.js";
import { checkOutFolder } from "../output/out-folder.js";
import { resultFiles } from "../output/write-results.js";
import { checkScenario } from "../run/preflight.js";
import { simulate } from "../run/simulate.js";
import { type LoadOptions, loadScenario } from "../scenario/load.js";
import type { Scenario } from "../scenario/types.js";

export type { Financials } from "../billing/financials.js";
export type { Summary } from "../billing/summary.js";
export type { CompareOptions, Comparison } from "../compare/run-comparison.js";
export { runComparison as compareScenarios } from "../compare/run-comparison.js";
export type { RequestLog, RequestRecord } from "../contract/request-log.js";
export type { PreflightEstimate } from "../contract/run-options.js";
export type { RunResult } from "../contract/run-result.js";
export { InputError, type InputProblem, RunAborted } from "../errors.js";
export { programVersion as version } from "../output/version.js";
export type { PlanCandidate, PlanOptions, PlanOutcome } from "../plan/search.js";
export { planFleet as planScenario } from "../plan/search.js";
export type { LoadOptions } from "../scenario/load.js";
export { loadScenario } from "../scenario/load.js";
export type { Scenario } from "../scenario/types.js";
export type { SweepOptions, SweepResult } from "../sweep/run-sweep.js";
export { runSweep as sweepScenario } from "../sweep/run-sweep.js";

/**
 * Loads and checks a scenario file as `fleetsim validate` does, including the pre-run checks
 * (fleet layout, memory and money bounds). Resolves with the scenario and its estimated size;
 * rejects with an InputError listing every problem (file, line, field).
 */
export async function validateScenario(file: string, opts: LoadOptions = {}) {
  const scenario = await loadScenario(file, opts);
  const estimate = await checkScenario(scenario);
  return { scenario, estimate };
}

export interface RunScenarioOptions {
  /** Called between slices with the simulated time reached (seconds) and the requests completed. */
  onProgress?: (simulatedSeconds: number, completed: number) => void;
  /** Aborting it stops the run between slices: the promise rejects with RunAborted. */
  signal?: AbortSignal;
  /** Threads for a fleet of independent parts ("auto": one per CPU for large runs). Same results for any number. */
  workers?: number | "auto";
  /** Receives every request that leaves the system (completed or rejected). */
  requestLog?: RequestLog;
}

export interface ScenarioRun {
  run: RunResult;
  financials: Financials;
  summary: Summary;
  /** The output files `fleetsim run` writes, by name (CSV and JSON text). */
  files(): Map<string, string>;
}

/** Runs a loaded scenario (any fidelity) and bills it. */
export async function runScenario(scenario: Scenario, opts: RunScenarioOptions = {}): Promise<ScenarioRun> {
  if (opts.signal?.aborted) throw new RunAborted();
  const run = await simulate(scenario, {
    onProgress: opts.onProgress,
    shouldStop: opts.signal ? () => opts.signal!.aborted : undefined,
    workers: opts.workers,
    requestLog: opts.requestLog,
  });
  const financials = computeFinancials(run);
  const summary = summarize(run, financials);
  return { run, financials, summary, files: () => resultFiles(run, financials, summary) };
}

/**
 * Writes a run's files into `dir` as `fleetsim run --out dir` does: whole or not at all, and only
 * into a folder that is missing, empty or fleetsim's own (rejects with an InputError otherwise).
 */
export async function writeRunFolder(dir: string, result: ScenarioRun, command: readonly string[] = ["api"]) {
  await checkOutFolder(dir, { inputs: [result.run.scenario.file].filter((f) => f !== "") });
  await writeDirAtomically(dir, result.files(), { kind: "run", command });
}
