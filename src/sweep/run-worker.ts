/**
 * Worker-thread entry of the sweep pool (src/sweep/pool.ts): runs the tasks it claims, one at a
 * time, and posts back each summary row (src/run/thread-worker.ts does the claiming and errors).
 */
import type { Claims } from "../run/thread-pool.js";
import { serveClaims } from "../run/thread-worker.js";
import { type RunTask, runOne } from "./run-one.js";

/** The sweep's tasks with the shared claim state (structured-cloned to every worker). */
export interface SweepTasks extends Claims {
  tasks: RunTask[];
}

serveClaims<SweepTasks, string[]>(async (data) => async (i) => runOne(data.tasks[i]));
