/**
 * fleetsim as a library: `import { loadScenario, runScenario } from "fleetsim"`. The entry points a
 * program needs (load and check a scenario, run it with progress and cancellation, its money and
 * summary, its output files, compare two scenarios, sweep one and merge a sharded sweep), which
 * the command line's commands go through too (src/cli/commands). Each group lives in its own
 * module so that a command loads only its own. docs/api.md documents each with a runnable example.
 */
export type { Financials } from "../billing/financials.js";
export type { Summary } from "../billing/summary.js";
export type { RequestLog, RequestRecord } from "../contract/request-log.js";
export type { PreflightEstimate } from "../contract/run-options.js";
export type { RunResult } from "../contract/run-result.js";
export { InputError, type InputProblem, RunAborted } from "../errors.js";
export type { CsvDialect } from "../output/csv.js";
export { programVersion as version } from "../output/version.js";
export { WORKBOOK_FILE } from "../output/workbook.js";
export {
  type CalibrationResult,
  calibrateProfile,
  type FitError,
  type MeasuredRequest,
  type StepFigures,
} from "./calibrate.js";
export { type CompareOptions, type Comparison, compareScenarios, comparisonFiles } from "./compare.js";
export { type PlanCandidate, type PlanOptions, type PlanOutcome, planScenario } from "./plan.js";
export {
  type FileOptions,
  type RunScenarioOptions,
  runScenario,
  type ScenarioRun,
  writeRunFolder,
} from "./run.js";
export {
  type LoadOptions,
  loadScenario,
  type Scenario,
  scenarioJsonSchema,
  validateScenario,
} from "./scenario.js";
export {
  type MergeResult,
  mergeSweepShards,
  type SweepOptions,
  type SweepResult,
  sweepFiles,
  sweepScenario,
} from "./sweep.js";
