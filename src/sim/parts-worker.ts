/**
 * Worker-thread entry of a run split into independent parts: runs the parts it is given, one after
 * another, posting progress and each part's result (see parts-run.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { InputError } from "../errors.js";
import type { PartMessage, PartTask } from "./part-messages.js";
import { claimPart, partResult } from "./parts-run.js";
import { planRun } from "./plan.js";
import { createRun } from "./simulation.js";

const port = parentPort;
if (port === null) throw new Error("parts-worker must be started as a worker thread");
const post = (m: PartMessage) => port.postMessage(m);

async function main(task: PartTask): Promise<void> {
  const plan = await planRun(task.scenario);
  for (
    let part = claimPart(task.counter, task.order);
    part >= 0;
    part = claimPart(task.counter, task.order)
  ) {
    const run = createRun(task.scenario, plan, task.parts[part]);
    const r = await run.execute({
      onProgress: (time, completed) => post({ kind: "progress", part, time, completed }),
    });
    post({ kind: "result", part, result: partResult(r, run.sharedEvents) });
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
