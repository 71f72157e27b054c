/**
 * Worker-thread entry for simulations (src/run/thread-pool.ts): the parts of one scenario, or whole
 * scenarios such as a hybrid run's windows, each run and returned as plain data.
 */

import { partScopes } from "../contract/parts.js";
import { planRun } from "../contract/plan.js";
import { createRun } from "../request/simulation.js";
import type { PartResult, PartTask } from "./part-messages.js";
import { partResult } from "./parts-run.js";
import { simulateRequests } from "./request-run.js";
import { serveClaims } from "./thread-worker.js";

serveClaims<PartTask, PartResult>(async (task) => {
  const { parts } = task;
  if (parts === null) {
    // Whole scenarios, their own parts run on this thread.
    return async (i, onProgress) =>
      partResult(await simulateRequests(task.scenarios[i], { workers: 1, onProgress }), 0);
  }
  const plan = await planRun(task.scenarios[0], task.estimates);
  const scopes = partScopes(plan.routes, plan.topology.groups.length, parts);
  return async (i, onProgress) => {
    const run = createRun(task.scenarios[0], plan, scopes[i]);
    return partResult(await run.execute({ onProgress }), run.sharedEvents);
  };
});
