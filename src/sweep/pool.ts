/**
 * Runs sweep tasks on `workers` worker threads (1: in this thread, one after another). Each free
 * worker takes the next task; results are returned in task order whatever order they finish in,
 * so the outputs do not depend on the number of workers.
 *
 * The worker file sits next to this module: run-worker.js when running from dist/, run-worker.ts
 * under tsx or vitest, where the worker first registers tsx to load TypeScript.
 */
import { Worker } from "node:worker_threads";
import { InputError, RunAborted } from "../errors.js";
import { workerEntry } from "../worker-entry.js";
import { type RunTask, runOne } from "./run-one.js";
import type { WorkerReply } from "./worker-messages.js";

export interface PoolOptions {
  workers: number;
  /** Polled between runs and every STOP_POLL_MS; true abandons the sweep with RunAborted. */
  shouldStop?: () => boolean;
  /** Called after each finished run with the number done so far. */
  onDone?: (done: number, total: number) => void;
}

const STOP_POLL_MS = 100;

export async function runTasks(tasks: readonly RunTask[], opts: PoolOptions): Promise<string[][]> {
  const workers = Math.max(1, Math.min(opts.workers, tasks.length));
  if (workers === 1 || tasks.length === 0) return runInThread(tasks, opts);
  return runOnWorkers(tasks, workers, opts);
}

async function runInThread(tasks: readonly RunTask[], opts: PoolOptions): Promise<string[][]> {
  const rows: string[][] = [];
  for (const t of tasks) {
    if (opts.shouldStop?.()) throw new RunAborted();
    rows.push(await runOne(t, opts.shouldStop));
    opts.onDone?.(rows.length, tasks.length);
  }
  return rows;
}

function runOnWorkers(tasks: readonly RunTask[], count: number, opts: PoolOptions): Promise<string[][]> {
  const entry = workerEntry(import.meta.url, "run-worker");
  const rows: string[][] = new Array(tasks.length);
  const position = new Map(tasks.map((t, i) => [t.run, i]));
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;

  return new Promise<string[][]>((resolve, reject) => {
    const timer = setInterval(() => {
      if (opts.shouldStop?.()) finish(new RunAborted());
    }, STOP_POLL_MS);

    function finish(error: unknown): void {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      // Terminating also frees workers still busy when a run failed or the user interrupted.
      for (const w of pool) void w.terminate();
      if (error === null) resolve(rows);
      else reject(error);
    }

    function feed(w: Worker): void {
      if (next < tasks.length) w.postMessage(tasks[next++]);
    }

    for (let i = 0; i < count; i++) {
      const w = new Worker(entry.script, { eval: entry.eval });
      pool.push(w);
      w.on("message", (reply: WorkerReply) => {
        if (settled) return;
        if (!reply.ok) {
          finish("problems" in reply ? new InputError(reply.problems) : workerError(reply));
          return;
        }
        rows[position.get(reply.run)!] = reply.row;
        done++;
        opts.onDone?.(done, tasks.length);
        if (done === tasks.length) finish(null);
        else feed(w);
      });
      w.on("error", (e) => finish(e));
      w.on("exit", (code) => {
        if (!settled) finish(new Error(`a sweep worker stopped (exit code ${code}) before the sweep ended`));
      });
      feed(w);
    }
  });
}

function workerError(reply: { run: number; message: string; stack?: string }): Error {
  const e = new Error(`run ${reply.run}: ${reply.message}`);
  if (reply.stack) e.stack = `${e.message}\n(in the worker) ${reply.stack}`;
  return e;
}
