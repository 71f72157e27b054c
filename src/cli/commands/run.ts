/** `fleetsim run`: load, simulate, bill, write the outputs atomically, print the summary. */
import { runScenario, type ScenarioRun } from "../../api/run.js";
import { loadScenario } from "../../api/scenario.js";
import type { PreflightEstimate } from "../../contract/run-options.js";
import { InputError } from "../../errors.js";
import { type FileContent, StagedFolder, writeDirAtomically } from "../../output/atomic-dir.js";
import type { CsvDialect } from "../../output/csv.js";
import { safeFolderName } from "../../output/out-folder.js";
import { REQUEST_LOG_FILE, RequestLogCsv } from "../../output/request-log-csv.js";
import { summaryText } from "../../output/summary-text.js";
import { WORKBOOK_FILE } from "../../output/workbook.js";
import { RESULT_FILES, summaryJson } from "../../output/write-results.js";
import { ANNOUNCE_EVENTS, millions, overLimit, overLimitMessage } from "../../run/preflight.js";
import { scenarioInputs } from "../../scenario/inputs.js";
import { interrupt } from "../interrupt.js";
import { commandLine, prepareOutputFolder } from "../output-folder.js";
import { progressBar } from "../progress.js";

export interface RunArgs {
  scenario: string;
  out?: string;
  seed?: number;
  set?: string[];
  horizon?: string;
  fidelity?: "request" | "fluid" | "hybrid";
  quiet?: boolean;
  json?: boolean;
  excel?: boolean;
  xlsx?: boolean;
  csvDialect?: CsvDialect;
  force?: boolean;
  workers?: number;
  requests?: boolean;
  requestsSample?: number;
}

/** The pre-flight check: says what a long run will cost, and refuses a huge one unless forced. */
export function preflightCheck(file: string, force: boolean, quiet: boolean, fidelity = "request") {
  // A hybrid run's estimate is of its request-level windows (the fluid pass moves flows).
  const where = fidelity === "hybrid" ? " in the request-level windows" : "";
  return (e: PreflightEstimate) => {
    if (overLimit(e, force)) {
      throw new InputError({ file, message: `${overLimitMessage("this run", e)} to run it anyway` });
    }
    if (e.events > ANNOUNCE_EVENTS && !quiet) {
      process.stderr.write(
        `estimated ${millions(e.requests)} requests, ${millions(e.events)} events${where}\n`,
      );
    }
  };
}

/** The fraction of requests --requests / --requests-sample keep, null without a request log. */
function requestSample(a: RunArgs, fidelity: string): number | null {
  if (!a.requests && a.requestsSample === undefined) return null;
  const p = a.requestsSample ?? 1;
  if (!(Number.isFinite(p) && p > 0 && p <= 1)) {
    throw new InputError({
      file: "--requests-sample",
      message: `must be a fraction above 0 and at most 1, got ${p}`,
    });
  }
  if (fidelity !== "request") {
    throw new InputError({
      file: a.requests ? "--requests" : "--requests-sample",
      message: `a ${fidelity} run moves flows, not requests: run it with --fidelity request for a request log`,
    });
  }
  return p;
}

export async function runCommand(a: RunArgs): Promise<void> {
  if (a.workers !== undefined && !(Number.isInteger(a.workers) && a.workers >= 1)) {
    throw new InputError({ file: "--workers", message: `must be a whole number >= 1, got ${a.workers}` });
  }
  const scenario = await loadScenario(a.scenario, {
    set: a.set,
    seed: a.seed,
    horizon: a.horizon,
    fidelity: a.fidelity,
  });
  const out = await prepareOutputFolder(a.out, `results/${safeFolderName(scenario.name)}`, {
    inputs: scenarioInputs(scenario),
  });
  // The request log streams into the output folder's staging copy during the run.
  const sample = requestSample(a, scenario.fidelity);
  const folder = { kind: "run" as const, command: commandLine() };
  const staged =
    sample === null
      ? null
      : await StagedFolder.begin(out, folder, [
          ...RESULT_FILES,
          ...(a.xlsx ? [WORKBOOK_FILE] : []),
          REQUEST_LOG_FILE,
        ]);
  const log =
    staged === null
      ? null
      : new RequestLogCsv(staged.path(REQUEST_LOG_FILE), scenario, sample ?? 1, a.csvDialect);
  const bar = progressBar(scenario.horizon, !a.quiet && !a.json);
  let result: ScenarioRun;
  try {
    result = await runScenario(scenario, {
      onProgress: (t, done, fraction) => bar.update(t, done, fraction),
      signal: interrupt.signal,
      onEstimate: preflightCheck(
        a.scenario,
        a.force === true,
        a.quiet === true || a.json === true,
        scenario.fidelity,
      ),
      workers: a.workers ?? "auto",
      requestLog: log ?? undefined,
    });
    log?.close();
  } catch (e) {
    await staged?.abort();
    throw e;
  } finally {
    bar.stop();
  }
  const files: Map<string, FileContent> = result.files({ excel: a.excel, dialect: a.csvDialect });
  try {
    if (a.xlsx) files.set(WORKBOOK_FILE, await result.workbook());
  } catch (e) {
    await staged?.abort();
    throw e;
  }
  if (staged === null) await writeDirAtomically(out, files, folder);
  else await staged.commit(files);
  if (a.json) process.stdout.write(`${JSON.stringify(summaryJson(result.summary, result.run), null, 2)}\n`);
  else process.stdout.write(summaryText(result.summary, out));
}
