/**
 * Runs a list of independent items (the parts of one run, the request windows of a hybrid run, the
 * runs of a sweep) on this thread and on worker threads. Every thread takes the next item from one
 * shared counter, in a fixed order, so a thread that finishes early or starts late takes more; the
 * results come back by item index, so what they merge into does not depend on the number of
 * threads or on which thread ran what. The worker side is thread-worker.ts.
 */
import { Worker } from "node:worker_threads";
import { InputError, type InputProblem, RunAborted } from "../errors.js";
import { workerEntry } from "../worker-entry.js";

const STOP_POLL_MS = 100;

/** The claim state every thread shares: the order items are taken in and the next position. */
export interface Claims {
  order: number[];
  counter: Int32Array;
}

/** What a worker posts back. */
export type PoolMessage<R> =
  | { kind: "progress"; item: number; time: number; completed: number }
  | { kind: "result"; item: number; result: R }
  | { kind: "done" }
  | { kind: "error"; item: number; problems?: InputProblem[]; message: string; stack?: string };

/** Shared claim state over items taken in `order` (all of them, ascending, by default). */
export function claims(order: number[]): Claims {
  return { order, counter: new Int32Array(new SharedArrayBuffer(4)) };
}

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

export interface PoolRun<R, T extends Claims> {
  /** The worker module: `name` its path from the code root, `url` the import.meta.url of a module one folder below the root (see workerEntry). */
  worker: { url: string; name: string };
  /** Sent to every worker; holds the shared claim state. */
  workerData: T;
  threads: number;
  /** The item this thread claimed already (e.g. to check a pre-flight estimate), or -1. */
  first: number;
  /** Runs item i on this thread. */
  runHere: (i: number, hooks: ItemHooks) => Promise<R>;
  shouldStop?: () => boolean;
  /** Progress of item i (simulated time, completed requests). */
  onItemProgress?: (i: number, time: number, completed: number) => void;
  /** Called as each item's result arrives, whichever thread ran it. */
  onItemDone?: (i: number) => void;
  /** Called while this thread waits for the workers. */
  onWait?: () => void;
  /** Names item i in an internal error from a worker (e.g. "run 3"). */
  describeItem?: (i: number) => string;
}

export async function runOnThreads<R, T extends Claims>(p: PoolRun<R, T>): Promise<R[]> {
  const { counter, order } = p.workerData;
  const results: Array<R | undefined> = order.map(() => undefined);
  const workers = Array.from({ length: p.threads - 1 }, () => {
    const entry = workerEntry(p.worker.url, p.worker.name);
    return new Worker(entry.script, { eval: entry.eval, workerData: p.workerData });
  });
  let failure: unknown = null;
  /** Set once this thread terminates the workers itself: their exits are then expected. */
  let stopping = false;
  const workerDone = workers.map(
    (w) =>
      new Promise<void>((resolve) => {
        let finished = false;
        w.on("message", (m: PoolMessage<R>) => {
          if (m.kind === "progress") p.onItemProgress?.(m.item, m.time, m.completed);
          else if (m.kind === "result") {
            results[m.item] = m.result;
            p.onItemDone?.(m.item);
          } else if (m.kind === "done") {
            finished = true;
            resolve();
          } else {
            failure ??= m.problems ? new InputError(m.problems) : workerError(m, p.describeItem);
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
  const stopRequested = () => failure !== null || (p.shouldStop?.() ?? false);
  const hooks = (i: number): ItemHooks => ({
    shouldStop: stopRequested,
    onProgress: (t, completed) => p.onItemProgress?.(i, t, completed),
  });

  try {
    const first = p.first >= 0 ? p.first : claimPart(counter, order);
    for (let i = first; i >= 0; i = claimPart(counter, order)) {
      // Between items too: a short item may end before its run ever polls.
      if (stopRequested()) throw new RunAborted();
      results[i] = await p.runHere(i, hooks(i));
      p.onItemDone?.(i);
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
  return results as R[];
}

function workerError(
  m: { item: number; message: string; stack?: string },
  describe?: (i: number) => string,
): Error {
  const message = describe ? `${describe(m.item)}: ${m.message}` : m.message;
  const e = new Error(message);
  if (m.stack) e.stack = `${message}\n(in a worker thread) ${m.stack}`;
  return e;
}
