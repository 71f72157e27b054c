/**
 * The worker side of thread-pool.ts: takes items from the shared counter until none is left,
 * running each with the runner `prepare` made from the worker's data, and posts progress, each
 * result, and any error (input errors keep their problems, so they print as on the main thread).
 */
import { parentPort, workerData } from "node:worker_threads";
import { InputError } from "../errors.js";
import { type Claims, claimPart, type PoolMessage } from "./thread-pool.js";

export type ItemRunner<R> = (i: number, onProgress: (time: number, completed: number) => void) => Promise<R>;

export function serveClaims<T extends Claims, R>(prepare: (data: T) => Promise<ItemRunner<R>>): void {
  const port = parentPort;
  if (port === null) throw new Error("a thread-pool worker must be started as a worker thread");
  const post = (m: PoolMessage<R>) => port.postMessage(m);
  const data = workerData as T;
  let item = -1;
  (async () => {
    const run = await prepare(data);
    for (item = claimPart(data.counter, data.order); item >= 0; item = claimPart(data.counter, data.order)) {
      const i = item;
      const result = await run(i, (time, completed) => post({ kind: "progress", item: i, time, completed }));
      post({ kind: "result", item: i, result });
    }
    post({ kind: "done" });
  })().catch((e: unknown) => {
    post(
      e instanceof InputError
        ? { kind: "error", item, problems: e.problems, message: e.message }
        : {
            kind: "error",
            item,
            message: e instanceof Error ? e.message : String(e),
            stack: e instanceof Error ? e.stack : undefined,
          },
    );
  });
}
