/**
 * fidelity hybrid: the fluid model over the whole horizon, and the request engine over the
 * scenario's windows (`fluid.windows`), where tail latency is measured. The fluid run records
 * nothing in the windows' report intervals; each window then runs request by request as its own
 * scenario seen from the window's start (src/run/hybrid-window-scenario.ts) and is merged in
 * (src/run/hybrid-merge.ts). Method and limits: docs/fluid-mode.md, "Hybrid".
 */

import { planRun, workloadContexts } from "../contract/plan.js";
import type { RunOptions } from "../contract/run-options.js";
import type { RunResult } from "../contract/run-result.js";
import { InputError } from "../errors.js";
import { runFluid } from "../fluid/simulate-fluid.js";
import { EVENTS_PER_REQUEST } from "../request/simulation.js";
import { fieldProblem } from "../scenario/field-problem.js";
import { showSeconds } from "../scenario/hybrid-windows.js";
import type { HybridWindow, Scenario } from "../scenario/types.js";
import { estimateWorkload } from "../workload/create-source.js";
import { mergeWindow, type WindowRun } from "./hybrid-merge.js";
import { windowScenario } from "./hybrid-window-scenario.js";
import type { PartResult, PartTask } from "./part-messages.js";
import { partResult, resolveThreads } from "./parts-run.js";
import { simulateRequests } from "./request-run.js";
import { claimOrder, claims, runOnThreads } from "./thread-pool.js";

export async function simulateHybrid(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const windows = checkedWindows(s);
  // No window inside the horizon (e.g. shortened with --horizon): the fluid run is the whole answer.
  if (windows.length === 0) return runFluid(s, opts, null);
  const subs = windows.map((w) => windowScenario(s, w));
  // Each window's expected demand: the pre-flight estimate, the thread count and the claim order.
  const perWindow = await Promise.all(subs.map((sub) => windowEstimate(sub)));
  const requests = perWindow.reduce((a, e) => a + e.requests, 0);
  if (opts.preflight) opts.preflight({ requests, events: requests * EVENTS_PER_REQUEST });

  const intervals = Math.max(1, Math.ceil(s.horizon / s.reportInterval - 1e-9));
  const byRequest = new Uint8Array(intervals);
  const firstInterval = windows.map((w) => Math.round(w.at / s.reportInterval));
  windows.forEach((w, i) => {
    const end = Math.min(intervals, Math.ceil((w.at + w.duration) / s.reportInterval - 1e-9));
    byRequest.fill(1, firstInterval[i], end);
  });

  // Progress in simulated time over the whole run: the fluid pass over the horizon, then each
  // window's span again request by request, so the share done only ever grows.
  const windowTime = subs.reduce((a, sub) => a + sub.horizon, 0);
  const work = s.horizon + windowTime;
  const run = await runFluid(
    s,
    {
      shouldStop: opts.shouldStop,
      onProgress: opts.onProgress && ((t, done) => opts.onProgress?.(t, done, t / work)),
    },
    byRequest,
  );
  const threads = Math.min(windows.length, resolveThreads(opts.workers, requests));
  if (threads > 1) {
    // Whole windows on the threads (each window's parts on its thread), merged in window order.
    const completed = run.stats.reduce((a, st) => a + st.completed, 0);
    const progress = { horizon: s.horizon, completed, work };
    const results = await windowsOnThreads(subs, perWindow, threads, opts, run.stats.length, progress);
    for (let i = 0; i < windows.length; i++) mergeWindow(run, results[i], firstInterval[i]);
    run.wallSeconds = (performance.now() - started) / 1000;
    return run;
  }
  let completed = run.stats.reduce((a, st) => a + st.completed, 0);
  let windowsDone = 0;
  for (let i = 0; i < windows.length; i++) {
    const at = windows[i].at;
    const before = completed;
    const workBefore = s.horizon + windowsDone;
    // A window's independent parts may run on several threads (the files are the same either way).
    const win = await simulateRequests(subs[i], {
      shouldStop: opts.shouldStop,
      sliceEvents: opts.sliceEvents,
      workers: opts.workers,
      onProgress:
        opts.onProgress && ((t, done) => opts.onProgress?.(at + t, before + done, (workBefore + t) / work)),
    });
    mergeWindow(run, win, firstInterval[i]);
    completed = run.stats.reduce((a, st) => a + st.completed, 0);
    windowsDone += subs[i].horizon;
  }
  run.wallSeconds = (performance.now() - started) / 1000;
  return run;
}

/** Runs the windows on `threads` threads and rebuilds what the merge reads of each. */
async function windowsOnThreads(
  subs: Scenario[],
  estimates: Array<{ requests: number }>,
  threads: number,
  opts: RunOptions,
  statRows: number,
  progress: { horizon: number; completed: number; work: number },
): Promise<WindowRun[]> {
  const horizon = subs.reduce((a, sub) => a + sub.horizon, 0);
  const time = new Float64Array(subs.length);
  const done = new Float64Array(subs.length);
  const results = await runOnThreads<PartResult, PartTask>({
    worker: { url: import.meta.url, name: "run/parts-worker" },
    workerData: {
      scenarios: subs,
      parts: null,
      ...claims(claimOrder(estimates.map((e) => e.requests))),
    },
    threads,
    first: -1,
    runHere: async (i, hooks) =>
      partResult(await simulateRequests(subs[i], { workers: 1, sliceEvents: opts.sliceEvents, ...hooks }), 0),
    shouldStop: opts.shouldStop,
    // Progress after the fluid run: the share of the windows' simulated time covered so far,
    // shown over the whole horizon (as the windows run one by one otherwise, the bar restarts).
    onItemProgress: (i, t, completed) => {
      time[i] = t;
      done[i] = completed;
      const covered = time.reduce((a, x) => a + x, 0) / horizon;
      opts.onProgress?.(
        covered * progress.horizon,
        progress.completed + done.reduce((a, x) => a + x, 0),
        (progress.horizon + covered * horizon) / progress.work,
      );
    },
  });
  const out: WindowRun[] = [];
  for (let i = 0; i < subs.length; i++) {
    const r = results[i];
    const { topology } = await planRun(subs[i]);
    if (r.stats.length !== statRows) throw new Error("hybrid: a window run has another statistics layout");
    out.push({
      intervals: Math.max(1, Math.ceil(subs[i].horizon / subs[i].reportInterval - 1e-9)),
      stats: r.stats,
      statOfWorkload: r.statOfWorkload,
      interrupted: r.interrupted,
      preempted: r.preempted,
      inSystemSeconds: r.inSystemSeconds,
      events: r.events,
      topology,
      grid: { ...r.grid, groups: topology.groups.length },
      usage: { rows: r.usageRows },
    });
  }
  return out;
}

/** The resolved windows; checked again here for scenarios built in code (the loader checks files). */
function checkedWindows(s: Scenario): HybridWindow[] {
  const windows = s.fluid?.windows ?? [];
  const fail = (path: string, message: string): never => {
    throw new InputError(fieldProblem(s, path, message));
  };
  let end = 0;
  windows.forEach((w, i) => {
    const path = `fluid.windows.${i}`;
    const whole = (x: number) => Math.abs(x / s.reportInterval - Math.round(x / s.reportInterval)) < 1e-9;
    if (!whole(w.at)) {
      fail(
        path,
        `must start on a report interval (${showSeconds(s.reportInterval)}), got ${showSeconds(w.at)}`,
      );
    }
    if (!(w.duration > 0) || w.at + w.duration > s.horizon + 1e-9) {
      fail(
        path,
        `must lie inside the horizon (${showSeconds(s.horizon)}), got ${showSeconds(w.at)} + ${showSeconds(w.duration)}`,
      );
    }
    if (!whole(w.duration) && w.at + w.duration < s.horizon - 1e-9) {
      fail(
        path,
        `must last whole report intervals (${showSeconds(s.reportInterval)}), got ${showSeconds(w.duration)}`,
      );
    }
    if (w.at < end)
      fail(path, `must start after the previous window ends (${showSeconds(end)}), got ${showSeconds(w.at)}`);
    end = w.at + w.duration;
  });
  return windows;
}

/** A window's expected requests (the fluid run refuses traces, so every workload has a rate). */
async function windowEstimate(sub: Scenario): Promise<{ requests: number }> {
  let requests = 0;
  for (const { w, ctx } of workloadContexts(sub)) {
    if (w.arrival.process === "trace") continue; // refused by the fluid run
    requests += (await estimateWorkload(w, ctx)).expectedRequests;
  }
  return { requests };
}
