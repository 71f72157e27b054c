/**
 * A request-level run of a fleet with independent parts (see src/contract/parts.ts): each part is simulated on
 * its own, on this thread or on worker threads, and the results are added up in part order.
 *
 * The results do not depend on the number of threads: a part's run is the same wherever it runs,
 * and the merge reads each replica group's figures from the part that owns it and adds the
 * statistics rows, usage rows and counters part by part, in a fixed order.
 */
import { availableParallelism } from "node:os";
import { groupOwners, partScopes } from "../contract/parts.js";
import type { RunPlan } from "../contract/plan.js";
import type { RunOptions } from "../contract/run-options.js";
import type { RunResult } from "../contract/run-result.js";
import { GRID_KEYS, type GridKey, IntervalGrid } from "../metrics/interval-grid.js";
import { TenantModelStats } from "../metrics/tenant-stats.js";
import { UsageLedger } from "../metrics/usage-ledger.js";
import { createRun, EVENTS_PER_REQUEST } from "../request/simulation.js";
import type { Scenario } from "../scenario/types.js";
import type { PartResult, PartTask } from "./part-messages.js";
import { claimOrder, claimPart, claims, runOnThreads } from "./thread-pool.js";

/**
 * Runs estimated above this many events use a thread per CPU under workers "auto": about a second
 * of simulation, well above the cost of starting a worker (about 0.1 s).
 */
export const AUTO_PARALLEL_EVENTS = 2_000_000;

/** Threads for `workers` (default 1; "auto": one per CPU for work estimated at `requests` or more). */
export function resolveThreads(workers: number | "auto" | undefined, requests: number): number {
  if (workers === undefined) return 1;
  if (workers !== "auto") return workers;
  return requests * EVENTS_PER_REQUEST >= AUTO_PARALLEL_EVENTS ? availableParallelism() : 1;
}

function threadCount(plan: RunPlan, workers: number | "auto" | undefined): number {
  return resolveThreads(
    workers,
    plan.estimates.reduce((a, e) => a + e.expectedRequests, 0),
  );
}

export function partResult(r: RunResult, sharedEvents: number): PartResult {
  return {
    stats: r.stats,
    statOfWorkload: r.statOfWorkload,
    grid: Object.fromEntries(GRID_KEYS.map((k) => [k, r.grid[k]])) as Record<GridKey, Float64Array>,
    unassignedNodeSeconds: r.unassignedNodeSeconds,
    usageRows: r.usage.rows,
    priceEpochs: r.priceEpochs,
    interrupted: r.interrupted,
    preempted: r.preempted ?? 0,
    inSystemSeconds: r.inSystemSeconds,
    liveAtHorizon: r.liveAtHorizon ?? 0,
    events: r.events,
    sharedEvents,
  };
}

export async function simulateParts(
  s: Scenario,
  plan: RunPlan,
  parts: number[][],
  opts: RunOptions,
): Promise<RunResult> {
  const started = performance.now();
  const cost = parts.map((p) => p.reduce((a, w) => a + plan.estimates[w].expectedRequests, 0) + 1);
  // A request log is written by this thread: the parts then run here, one after another.
  const threads = opts.requestLog ? 1 : Math.max(1, Math.min(threadCount(plan, opts.workers), parts.length));
  const shared = claims(claimOrder(cost));
  const partTime = new Float64Array(parts.length);
  const partDone = new Float64Array(parts.length);
  const totalCost = cost.reduce((a, c) => a + c, 0);
  const progress = () => {
    let t = 0;
    let done = 0;
    for (let i = 0; i < parts.length; i++) {
      t += (cost[i] / totalCost) * partTime[i];
      done += partDone[i];
    }
    opts.onProgress?.(t, done);
  };

  // The pre-flight estimate covers every workload; it is checked before any thread starts.
  const firstPart = claimPart(shared.counter, shared.order);
  const scopes = partScopes(plan.routes, plan.topology.groups.length, parts);
  const first = createRun(s, plan, scopes[firstPart]);
  if (opts.preflight) {
    try {
      opts.preflight(first.preflight());
    } catch (e) {
      await first.closeSources();
      throw e;
    }
  }

  const results = await runOnThreads<PartResult, PartTask>({
    worker: { url: import.meta.url, name: "run/parts-worker" },
    workerData: { scenarios: [s], parts, estimates: plan.estimates, ...shared },
    threads,
    first: firstPart,
    runHere: async (i, hooks) => {
      const run = i === firstPart ? first : createRun(s, plan, scopes[i]);
      const r = await run.execute({ sliceEvents: opts.sliceEvents, requestLog: opts.requestLog, ...hooks });
      return partResult(r, run.sharedEvents);
    },
    shouldStop: opts.shouldStop,
    onItemProgress: (i, t, completed) => {
      partTime[i] = t;
      partDone[i] = completed;
      progress();
    },
    onWait: progress,
  });
  const merged = mergeParts(s, plan, parts, results);
  opts.onProgress?.(
    s.horizon,
    merged.stats.reduce((a, st) => a + st.completed, 0),
  );
  merged.wallSeconds = (performance.now() - started) / 1000;
  return merged;
}

/** The whole run's result from its parts' results, added up in part order. */
export function mergeParts(s: Scenario, plan: RunPlan, parts: number[][], results: PartResult[]): RunResult {
  const base = results[0];
  const intervals = Math.max(1, Math.ceil(s.horizon / s.reportInterval - 1e-9));
  const G = plan.topology.groups.length;
  const grid = new IntervalGrid(intervals, G);
  const owner = groupOwners(plan.routes, G, parts);
  for (const key of GRID_KEYS) {
    for (let g = 0; g < G; g++) {
      const from = results[owner[g]].grid[key];
      for (let k = 0; k < intervals; k++) grid[key][k * G + g] = from[k * G + g];
    }
  }
  const stats = base.stats.map((st) => new TenantModelStats(st.tenantIndex, st.modelIndex));
  const usage = new UsageLedger(stats.length, G);
  let interrupted = 0;
  let preempted = 0;
  let inSystemSeconds = 0;
  let liveAtHorizon = 0;
  let events = 0;
  for (const r of results) {
    for (const [i, st] of r.stats.entries()) stats[i].add(st);
    for (const row of r.usageRows) usage.rows.push(row);
    interrupted += r.interrupted;
    preempted += r.preempted;
    inSystemSeconds += r.inSystemSeconds;
    liveAtHorizon += r.liveAtHorizon;
    events += r.events;
  }
  // Every part processed the report boundaries and timeline actions; count them once.
  events -= (results.length - 1) * base.sharedEvents;
  return {
    scenario: s,
    topology: plan.topology,
    routes: plan.routes,
    intervals,
    stats,
    statOfWorkload: Int32Array.from(base.statOfWorkload),
    grid,
    unassignedNodeSeconds: Float64Array.from(base.unassignedNodeSeconds),
    usage,
    priceEpochs: base.priceEpochs,
    estimates: plan.estimates,
    interrupted,
    preempted,
    inSystemSeconds,
    liveAtHorizon,
    events,
    wallSeconds: 0,
  };
}
