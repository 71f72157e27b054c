/** `fleetsim run`: load, simulate, bill, write the outputs atomically, print the summary. */
import { computeFinancials } from "../../billing/financials.js";
import { summarize } from "../../billing/summary.js";
import { summaryJson, writeResults } from "../../output/write-results.js";
import { loadScenario } from "../../scenario/load.js";
import { simulate } from "../../sim/simulation.js";
import { progressBar } from "../progress.js";
import { summaryText } from "../summary-text.js";

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
}

/** Set by the SIGINT handler: the run stops between slices and nothing is written. */
export const interrupt = { requested: false };

export async function runCommand(a: RunArgs): Promise<void> {
  const scenario = await loadScenario(a.scenario, {
    set: a.set,
    seed: a.seed,
    horizon: a.horizon,
    fidelity: a.fidelity,
  });
  const out = a.out ?? `results/${scenario.name}`;
  const bar = progressBar(scenario.horizon, !a.quiet && !a.json);
  let run: Awaited<ReturnType<typeof simulate>>;
  try {
    run = await simulate(scenario, {
      onProgress: (t, done) => bar.update(t, done),
      shouldStop: () => interrupt.requested,
    });
  } finally {
    bar.stop();
  }
  const fin = computeFinancials(run);
  const summary = summarize(run, fin);
  await writeResults(out, run, fin, summary, { excel: a.excel });
  if (a.json) process.stdout.write(`${JSON.stringify(summaryJson(summary, run), null, 2)}\n`);
  else process.stdout.write(summaryText(summary, out));
}
