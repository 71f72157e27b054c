/** The library's run entry points: run a loaded scenario, its output files, write them to a folder. */
import { computeFinancials, type Financials } from "../billing/financials.js";
import { type Summary, summarize } from "../billing/summary.js";
import type { RequestLog } from "../contract/request-log.js";
import type { PreflightEstimate } from "../contract/run-options.js";
import type { RunResult } from "../contract/run-result.js";
import { RunAborted } from "../errors.js";
import { type FileContent, writeDirAtomically } from "../output/atomic-dir.js";
import type { CsvDialect } from "../output/csv.js";
import { checkOutFolder } from "../output/out-folder.js";
import { tablesWorkbook, WORKBOOK_FILE } from "../output/workbook.js";
import { resultFiles, resultTables } from "../output/write-results.js";
import { simulate } from "../run/simulate.js";
import type { Scenario } from "../scenario/types.js";

export interface RunScenarioOptions {
  /**
   * Called between slices with the simulated time reached (seconds) and the requests completed;
   * `fraction` (0..1) is the share of the run's work done when it is not simulated time over the
   * horizon (a hybrid run simulates its windows' time again after the fluid pass).
   */
  onProgress?: (simulatedSeconds: number, completed: number, fraction?: number) => void;
  /** Aborting it stops the run between slices: the promise rejects with RunAborted. */
  signal?: AbortSignal;
  /** Threads for a fleet of independent parts ("auto": one per CPU for large runs). Same results for any number. */
  workers?: number | "auto";
  /** Receives every request that leaves the system (completed or rejected). */
  requestLog?: RequestLog;
  /** Called with the run's estimated requests and events before the first event; throwing from it refuses the run. */
  onEstimate?: (estimate: PreflightEstimate) => void;
}

/** How the CSV files are written (`fleetsim run --excel`, `--csv-dialect`). */
export interface FileOptions {
  /** A UTF-8 byte-order mark before each CSV. */
  excel?: boolean;
  /** `semicolon-comma`: `;` between fields and `,` as the decimal mark. Default `rfc4180`. */
  dialect?: CsvDialect;
}

export interface ScenarioRun {
  run: RunResult;
  financials: Financials;
  summary: Summary;
  /** The output files `fleetsim run` writes, by name (CSV and JSON text). */
  files(opts?: FileOptions): Map<string, string>;
  /** results.xlsx (`fleetsim run --xlsx`): a sheet per CSV table, numbers and UTC dates typed. */
  workbook(): Promise<Uint8Array>;
}

/** Runs a loaded scenario (any fidelity) and bills it. */
export async function runScenario(scenario: Scenario, opts: RunScenarioOptions = {}): Promise<ScenarioRun> {
  const signal = opts.signal;
  if (signal?.aborted) throw new RunAborted();
  const run = await simulate(scenario, {
    onProgress: opts.onProgress,
    shouldStop: signal ? () => signal.aborted : undefined,
    preflight: opts.onEstimate,
    workers: opts.workers,
    requestLog: opts.requestLog,
  });
  const financials = computeFinancials(run);
  const summary = summarize(run, financials);
  return {
    run,
    financials,
    summary,
    files: (o = {}) => resultFiles(run, financials, summary, o),
    workbook: () => tablesWorkbook(resultTables(run, financials, summary)),
  };
}

/**
 * Writes a run's files into `dir` as `fleetsim run --out dir` does: whole or not at all, and only
 * into a folder that is missing, empty or fleetsim's own (rejects with an InputError otherwise).
 * `opts.xlsx` adds results.xlsx.
 */
export async function writeRunFolder(
  dir: string,
  result: ScenarioRun,
  command: readonly string[] = ["api"],
  opts: FileOptions & { xlsx?: boolean } = {},
) {
  await checkOutFolder(dir, { inputs: [result.run.scenario.file].filter((f) => f !== "") });
  const files: Map<string, FileContent> = result.files(opts);
  if (opts.xlsx) files.set(WORKBOOK_FILE, await result.workbook());
  await writeDirAtomically(dir, files, { kind: "run", command });
}
