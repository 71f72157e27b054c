/**
 * Runs a list of independent simulations (the parts of one run, or the request windows of a hybrid
 * run) on this thread and on worker threads. Every thread takes the next item from one shared
 * counter, in a fixed order (largest first), so a thread that finishes early or starts late takes
 * more; the results come back by item index, so what they merge into does not depend on the number
 * of threads or on which thread ran what.
 */
import { Worker } from "node:worker_threads";
import { InputError, RunAborted } from "../errors.js";
import { workerEntry } from "../worker-entry.js";
import type { PartMessage, PartResult, PartTask } from "./part-messages.js";

const STOP_POLL_MS = 100;

/**
 * The order threads take items in: largest expected demand first (ties by index), so the longest
 * items start early and short ones fill in at the end.
 */
export function claimOrder(cost: readonly number[]): number[] {
  return cost.map((_, i) => i).sort((a, b) => cost[b] - cost[a] || a - b);
}

/** The next item for a thread to run, or -1 when every item is taken. */
export function claimPart(counter: Int32Array, order: readonly number[]): number {
  const k = Atomics.add(counter, 0, 1);
  return k < order.length ? order[k] : -1;
}

/** What this thread's runner of one item is given. */
export interface ItemHooks {
  /** Polled between slices: true when the user interrupted or another thread failed. */
  shouldStop: () => boolean;
  onProgress: (time: number, completed: number) => void;
}

export interface PoolRun {
  /** Sent to every worker (parts-worker.ts); its counter and order are the shared claim state. */
  task: PartTask;
  threads: number;
  /** The item this thread claimed already (e.g. to check a pre-flight estimate), or -1. */
  first: number;
  /** Runs item i on this thread. */
  runHere: (i: number, hooks: ItemHooks) => Promise<PartResult>;
  shouldStop?: () => boolean;
  /** Progress of item i (simulated time, completed requests); the item's end is reported too. */
  onItemProgress: (i: number, time: number, completed: number) => void;
  /** Called while this thread waits for the workers. */
  onWait?: () => void;
}

export async function runOnThreads(p: PoolRun): Promise<PartResult[]> {
  const { task } = p;
  const results: Array<PartResult | null> = task.order.map(() => null);
  const workers = Array.from({ length: p.threads - 1 }, () => {
    const entry = workerEntry(import.meta.url, "parts-worker");
    return new Worker(entry.script, { eval: entry.eval, workerData: task });
  });
  let failure: unknown = null;
  /** Set once this thread terminates the workers itself: their exits are then expected. */
  let stopping = false;
  const workerDone = workers.map(
    (w) =>
      new Promise<void>((resolve) => {
        let finished = false;
        w.on("message", (m: PartMessage) => {
          if (m.kind === "progress") p.onItemProgress(m.part, m.time, m.completed);
          else if (m.kind === "result") results[m.part] = m.result;
          else if (m.kind === "done") {
            finished = true;
            resolve();
          } else {
            failure ??= m.problems ? new InputError(m.problems) : workerError(m.message, m.stack);
            resolve();
          }
        });
        w.on("error", (e) => {
          failure ??= e;
          resolve();
        });
        w.on("exit", (code) => {
          if (!finished && !stopping)
            failure ??= new Error(`a simulation worker stopped (exit code ${code}) before its work ended`);
          resolve();
        });
      }),
  );
  const stopAll = () => {
    stopping = true;
    return Promise.all(workers.map((w) => w.terminate()));
  };
  const hooks = (i: number): ItemHooks => ({
    shouldStop: () => failure !== null || (p.shouldStop?.() ?? false),
    onProgress: (t, completed) => p.onItemProgress(i, t, completed),
  });

  try {
    const first = p.first >= 0 ? p.first : claimPart(task.counter, task.order);
    for (let i = first; i >= 0; i = claimPart(task.counter, task.order)) {
      results[i] = await p.runHere(i, hooks(i));
    }
    // This thread's share is done: wait for the workers, still answering an interrupt.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        p.onWait?.();
        if (p.shouldStop?.()) {
          clearInterval(timer);
          reject(new RunAborted());
        }
      }, STOP_POLL_MS);
      Promise.all(workerDone).then(() => {
        clearInterval(timer);
        resolve();
      });
    });
  } catch (e) {
    // A worker's failure stopped this thread's run (shouldStop above): report the cause.
    const cause = e instanceof RunAborted && failure !== null ? failure : e;
    await stopAll();
    throw cause;
  }
  await stopAll();
  if (failure !== null) throw failure;
  return results as PartResult[];
}

function workerError(message: string, stack?: string): Error {
  const e = new Error(message);
  if (stack) e.stack = `${message}\n(in a simulation worker) ${stack}`;
  return e;
}
