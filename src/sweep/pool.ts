/**
 * Runs sweep tasks on `workers` threads, this one included (1: in this thread, one after another),
 * through the simulations' thread pool (src/run/thread-pool.ts): each thread takes the next task
 * from a shared counter, and results are returned in task order whatever order they finish in, so
 * the outputs do not depend on the number of workers.
 *
 * The worker file sits next to this module: run-worker.js when running from dist/, run-worker.ts
 * under tsx or vitest, where the worker first registers tsx to load TypeScript.
 */
import { claims, runOnThreads } from "../run/thread-pool.js";
import { type RunTask, runOne } from "./run-one.js";
import type { SweepTasks } from "./run-worker.js";

export interface PoolOptions {
  workers: number;
  /** Polled between runs and every 100 ms; true abandons the sweep with RunAborted. */
  shouldStop?: () => boolean;
  /** Called after each finished run with the number done so far. */
  onDone?: (done: number, total: number) => void;
}

export async function runTasks(tasks: readonly RunTask[], opts: PoolOptions): Promise<string[][]> {
  let done = 0;
  return runOnThreads<string[], SweepTasks>({
    worker: { url: import.meta.url, name: "sweep/run-worker" },
    workerData: { tasks: [...tasks], ...claims(tasks.map((_, i) => i)) },
    threads: Math.max(1, Math.min(opts.workers, tasks.length)),
    first: -1,
    runHere: (i, hooks) => runOne(tasks[i], hooks.shouldStop),
    shouldStop: opts.shouldStop,
    onItemDone: () => opts.onDone?.(++done, tasks.length),
    describeItem: (i) => `run ${tasks[i].run}`,
  });
}
