/**
 * A request-level run (fidelity request, and each window of a hybrid run): plans it, splits the
 * fleet into independent parts, and runs the request engine on the one part here or on the parts
 * over threads (parts-run.ts), checking the pre-flight estimate before the first event.
 */
import { independentParts } from "../contract/parts.js";
import { planRun } from "../contract/plan.js";
import type { RunOptions } from "../contract/run-options.js";
import type { RunResult } from "../contract/run-result.js";
import { createRun } from "../request/simulation.js";
import type { Scenario } from "../scenario/types.js";
import { simulateParts } from "./parts-run.js";

export async function simulateRequests(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const plan = await planRun(s);
  // The autoscaler moves accelerators between the models of a pool: one part, whatever the routes.
  const parts = s.autoscaling ? [] : independentParts(plan.routes, plan.topology.groups.length);
  if (parts.length > 1) return simulateParts(s, plan, parts, opts);
  const run = createRun(s, plan, null);
  if (opts.preflight) {
    try {
      opts.preflight(run.preflight());
    } catch (e) {
      await run.closeSources();
      throw e;
    }
  }
  return run.execute(opts);
}
