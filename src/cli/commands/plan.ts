/** `fleetsim plan`: the cheapest fleet meeting every target of the scenario's plan section; files written atomically. */

import { availableParallelism } from "node:os";
import { planScenario as planFleet } from "../../api/plan.js";
import { loadScenario } from "../../api/scenario.js";
import { InputError } from "../../errors.js";
import { writeDirAtomically } from "../../output/atomic-dir.js";
import { safeFolderName } from "../../output/out-folder.js";
import { PLAN_CSV, PLAN_YAML, planCsv, planExplanation, planYaml } from "../../plan/plan-files.js";
import { scenarioInputs } from "../../scenario/inputs.js";
import { interrupt } from "../interrupt.js";
import { commandLine, prepareOutputFolder } from "../output-folder.js";
import { planProgressBar } from "../plan-progress.js";

export interface PlanArgs {
  scenario: string;
  out?: string;
  seeds?: number;
  workers?: number;
  set?: string[];
  horizon?: string;
  fidelity?: "request" | "fluid" | "hybrid";
  quiet?: boolean;
}

export async function planCommand(a: PlanArgs): Promise<void> {
  for (const [flag, v, max] of [
    ["--seeds", a.seeds, 100],
    ["--workers", a.workers, 1024],
  ] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= max)) {
      throw new InputError({ file: flag, message: `must be a whole number from 1 to ${max}, got ${v}` });
    }
  }
  if (a.fidelity !== undefined && a.fidelity !== "request") {
    throw new InputError({
      file: "--fidelity",
      message: `plan confirms fleets request by request (p99 latencies are measured only there); the screen is analytic. Got ${a.fidelity}`,
    });
  }
  const scenario = await loadScenario(a.scenario, { set: a.set, horizon: a.horizon });
  if (!scenario.plan) {
    throw new InputError({
      file: scenario.file,
      message: "the scenario has no plan: section (docs/planner.md)",
    });
  }
  const out = await prepareOutputFolder(a.out, `results/${safeFolderName(scenario.name)}-plan`, {
    inputs: scenarioInputs(scenario),
  });
  const bar = planProgressBar(!a.quiet);
  const started = Date.now();
  const outcome = await planFleet(scenario, {
    seeds: a.seeds,
    workers: a.workers ?? availableParallelism(),
    shouldStop: () => interrupt.requested,
    onProgress: (p) => bar.update(p),
  }).finally(() => bar.stop());
  const files = new Map([
    [PLAN_CSV, planCsv(outcome)],
    [PLAN_YAML, planYaml(outcome, out)],
  ]);
  await writeDirAtomically(out, files, { kind: "plan", command: commandLine() });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${planExplanation(outcome, out)}planned in ${secs} s\n`);
}
