/**
 * Worker-thread entry of src/sim/thread-pool.ts: takes items from the shared counter until none is
 * left (the parts of one scenario, or whole scenarios such as a hybrid run's windows), posting
 * progress and each item's result.
 */
import { parentPort, workerData } from "node:worker_threads";
import { InputError } from "../errors.js";
import type { PartMessage, PartResult, PartTask } from "./part-messages.js";
import { partResult } from "./parts-run.js";
import { planRun } from "./plan.js";
import { createRun, simulate } from "./simulation.js";
import { claimPart } from "./thread-pool.js";

const port = parentPort;
if (port === null) throw new Error("parts-worker must be started as a worker thread");
const post = (m: PartMessage) => port.postMessage(m);

async function main(task: PartTask): Promise<void> {
  const { parts } = task;
  const plan = parts === null ? null : await planRun(task.scenarios[0]);
  for (let i = claimPart(task.counter, task.order); i >= 0; i = claimPart(task.counter, task.order)) {
    const onProgress = (time: number, completed: number) =>
      post({ kind: "progress", part: i, time, completed });
    let result: PartResult;
    if (parts === null || plan === null) {
      // A whole scenario, its own parts run on this thread.
      result = partResult(await simulate(task.scenarios[i], { workers: 1, onProgress }), 0);
    } else {
      const run = createRun(task.scenarios[0], plan, parts[i]);
      result = partResult(await run.execute({ onProgress }), run.sharedEvents);
    }
    post({ kind: "result", part: i, result });
  }
  post({ kind: "done" });
}

main(workerData as PartTask).catch((e: unknown) => {
  post(
    e instanceof InputError
      ? { kind: "error", problems: e.problems, message: e.message }
      : {
          kind: "error",
          message: e instanceof Error ? e.message : String(e),
          stack: e instanceof Error ? e.stack : undefined,
        },
  );
});
