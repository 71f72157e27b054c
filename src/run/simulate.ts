/**
 * One run of a scenario, whatever its fidelity: the request engine (request-run.ts), the fluid
 * engine (src/fluid/simulate-fluid.ts), or both (hybrid-run.ts). Every caller that runs a scenario
 * (command line, comparison, sweep) comes through here; the engines never call each other.
 */
import type { RunOptions } from "../contract/run-options.js";
import type { RunResult } from "../contract/run-result.js";
import { runFluid } from "../fluid/simulate-fluid.js";
import type { Scenario } from "../scenario/types.js";
import { simulateHybrid } from "./hybrid-run.js";
import { simulateRequests } from "./request-run.js";

export async function simulate(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  if (s.fidelity === "fluid") return runFluid(s, opts, null);
  if (s.fidelity === "hybrid") return simulateHybrid(s, opts);
  return simulateRequests(s, opts);
}
