/**
 * fidelity hybrid: the fluid model over the whole horizon, and the request engine over the
 * scenario's windows (`fluid.windows`), where tail latency is measured. The fluid run records
 * nothing in the windows' report intervals; each window then runs request by request as its own
 * scenario seen from the window's start (src/fluid/hybrid-window-scenario.ts) and is merged in
 * (src/fluid/hybrid-merge.ts). Method and limits: docs/fluid-mode.md, "Hybrid".
 */
import { InputError } from "../errors.js";
import type { HybridWindow, Scenario } from "../scenario/types.js";
import { workloadContexts } from "../sim/plan.js";
import { EVENTS_PER_REQUEST, type RunOptions, type RunResult, simulate } from "../sim/simulation.js";
import { estimateWorkload } from "../workload/create-source.js";
import { mergeWindow } from "./hybrid-merge.js";
import { windowScenario } from "./hybrid-window-scenario.js";
import { showSeconds } from "./hybrid-windows.js";
import { runFluid } from "./simulate-fluid.js";

export async function simulateHybrid(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const windows = checkedWindows(s);
  // No window inside the horizon (e.g. shortened with --horizon): the fluid run is the whole answer.
  if (windows.length === 0) return runFluid(s, opts, null);
  const subs = windows.map((w) => windowScenario(s, w));
  if (opts.preflight) opts.preflight(await windowsEstimate(subs));

  const intervals = Math.max(1, Math.ceil(s.horizon / s.reportInterval - 1e-9));
  const byRequest = new Uint8Array(intervals);
  const firstInterval = windows.map((w) => Math.round(w.at / s.reportInterval));
  windows.forEach((w, i) => {
    const end = Math.min(intervals, Math.ceil((w.at + w.duration) / s.reportInterval - 1e-9));
    byRequest.fill(1, firstInterval[i], end);
  });

  const run = await runFluid(s, { shouldStop: opts.shouldStop, onProgress: opts.onProgress }, byRequest);
  let completed = run.stats.reduce((a, st) => a + st.completed, 0);
  for (let i = 0; i < windows.length; i++) {
    const at = windows[i].at;
    const before = completed;
    // A window's independent parts may run on several threads (the files are the same either way).
    const win = await simulate(subs[i], {
      shouldStop: opts.shouldStop,
      sliceEvents: opts.sliceEvents,
      workers: opts.workers,
      onProgress: opts.onProgress && ((t, done) => opts.onProgress?.(at + t, before + done)),
    });
    mergeWindow(run, win, firstInterval[i]);
    completed = run.stats.reduce((a, st) => a + st.completed, 0);
  }
  run.wallSeconds = (performance.now() - started) / 1000;
  return run;
}

/** The resolved windows; checked again here for scenarios built in code (the loader checks files). */
function checkedWindows(s: Scenario): HybridWindow[] {
  const windows = s.fluid?.windows ?? [];
  const fail = (path: string, message: string): never => {
    throw new InputError({ file: s.file, line: s.lines[path], path, message });
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

/** The pre-flight estimate of the request-level part: the windows' expected requests. */
async function windowsEstimate(subs: Scenario[]): Promise<{ requests: number; events: number }> {
  let requests = 0;
  for (const sub of subs) {
    for (const { w, ctx } of workloadContexts(sub)) {
      if (w.arrival.process === "trace") continue; // refused by the fluid run
      requests += (await estimateWorkload(w, ctx)).expectedRequests;
    }
  }
  return { requests, events: requests * EVENTS_PER_REQUEST };
}
