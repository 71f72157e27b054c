/**
 * Worker-thread entry of the sweep pool: runs the tasks it is sent, one at a time, and posts back
 * each summary row, or the error (input errors keep their problems, so they print as on the main thread).
 */
import { parentPort } from "node:worker_threads";
import { InputError } from "../errors.js";
import { type RunTask, runOne } from "./run-one.js";
import type { WorkerReply } from "./worker-messages.js";

const port = parentPort;
if (port === null) throw new Error("run-worker must be started as a worker thread");

port.on("message", async (task: RunTask) => {
  let reply: WorkerReply;
  try {
    reply = { run: task.run, ok: true, row: await runOne(task) };
  } catch (e) {
    reply =
      e instanceof InputError
        ? { run: task.run, ok: false, problems: e.problems }
        : {
            run: task.run,
            ok: false,
            message: e instanceof Error ? e.message : String(e),
            stack: e instanceof Error ? e.stack : undefined,
          };
  }
  port.postMessage(reply);
});
