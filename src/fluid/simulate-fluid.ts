/**
 * The fluid fast-forward mode (fidelity: fluid): the same scenario stepped through time with
 * expected flows instead of individual requests. Per step and replica group: the demand that
 * arrives (the exact integral of each workload's rate), the backlog carried over, the operating
 * point the demand sustains (src/fluid/operating-point.ts), rejections beyond the queue limit and
 * latency estimates. It returns the same RunResult as the request engine, so billing and every
 * output file work unchanged; latency percentiles stay empty (only means are known).
 * Method, validity and validation: docs/fluid-mode.md.
 */

import { closeScalingBooks } from "../autoscaler/books.js";
import { planRun } from "../contract/plan.js";
import type { RunOptions } from "../contract/run-options.js";
import type { RunResult } from "../contract/run-result.js";
import { InputError, RunAborted } from "../errors.js";
import { IntervalGrid } from "../metrics/interval-grid.js";
import { UsageLedger } from "../metrics/usage-ledger.js";
import { fieldProblem } from "../scenario/field-problem.js";
import type { Scenario } from "../scenario/types.js";
import { MultiplierSchedule } from "../workload/multiplier-schedule.js";
import { onFraction, RateProfile } from "../workload/rate-profile.js";
import { FluidState } from "./fluid-state.js";
import { FluidScaling } from "./scaling-host.js";
import { statRows } from "./stat-rows.js";

/** Default time step of the fluid model, seconds. */
export const DEFAULT_FLUID_STEP = 60;

/** Steps between progress reports (and interrupt checks). */
const PROGRESS_STEPS = 8192;

/**
 * The fluid engine's entry point, called by the run layer (src/run) only: the fluid model over the
 * whole horizon. `requestIntervals` (hybrid runs, src/run/hybrid-run.ts): report intervals marked
 * 1 are left to the request engine: the flows pass through them and record nothing (no usage,
 * statistics, in-system time or interruptions; the grid cells are overwritten later).
 */
export async function runFluid(
  s: Scenario,
  opts: RunOptions,
  requestIntervals: Uint8Array | null,
): Promise<RunResult> {
  const started = performance.now();
  const flat = s.tenants.flatMap((t, ti) => t.workloads.map((w, wi) => ({ t, ti, w, wi })));
  const traces = flat.filter(({ w }) => w.arrival.process === "trace");
  if (traces.length > 0) {
    throw new InputError(
      traces.map(({ ti, wi }) => {
        const path = `tenants.${ti}.workloads.${wi}.arrival.process`;
        return fieldProblem(
          s,
          path,
          `trace arrivals run only with fidelity request (the fluid mode needs a rate), got fidelity ${s.fidelity}`,
        );
      }),
    );
  }
  const { flat: planned, estimates, topology: topo, routes } = await planRun(s);
  const { stats, statOfWorkload } = statRows(routes);
  const intervals = Math.max(1, Math.ceil(s.horizon / s.reportInterval - 1e-9));
  const grid = new IntervalGrid(intervals, topo.groups.length);
  // The fluid mode does not follow KV memory: NaN marks it unmeasured (hybrid windows overwrite theirs).
  grid.kvPeak.fill(Number.NaN);
  const usage = new UsageLedger(stats.length, topo.groups.length);
  const demand = planned.map(({ w, ctx }) => {
    const a = w.arrival;
    if (a.process === "trace") throw new Error("unreachable: traces were refused above");
    return {
      profile: new RateProfile(a, s.startMs),
      schedule: new MultiplierSchedule(ctx.multipliers),
      // An MMPP sends at its rate only while on: its mean rate is that times the on fraction.
      onFraction: onFraction(a),
    };
  });
  const state = new FluidState(s, topo, routes, stats, statOfWorkload, estimates, grid, requestIntervals);
  const plan = { flat: planned, estimates, topology: topo, routes };
  const scaling = s.autoscaling ? new FluidScaling(s, plan, state) : null;

  const step = s.fluid?.step ?? DEFAULT_FLUID_STEP;
  const breaks = state.timeline.times;
  let nextBreak = 0;
  let t = 0;
  let steps = 0;
  state.applyChangesAt(0);
  while (t < s.horizon) {
    while (nextBreak < breaks.length && breaks[nextBreak] <= t) {
      state.applyChangesAt(breaks[nextBreak]);
      nextBreak++;
    }
    const interval = Math.min(intervals - 1, Math.floor(t / s.reportInterval + 1e-9));
    let end = Math.min(
      s.horizon,
      (Math.floor(t / step + 1e-9) + 1) * step,
      (interval + 1) * s.reportInterval,
    );
    if (nextBreak < breaks.length && breaks[nextBreak] < end) end = breaks[nextBreak];
    if (scaling !== null) {
      scaling.runDue(t);
      // cut the step where the autoscaler next acts (a decision, a load done, nodes ready)
      const next = scaling.nextTime();
      if (next > t && next < end) end = next;
    }
    for (let w = 0; w < demand.length; w++) {
      const d = demand[w];
      state.arrivals[w] = d.onFraction * d.schedule.factorAt(t) * d.profile.integral(t, end);
    }
    state.step(t, end, interval);
    steps++;
    const reportEnd = (interval + 1) * s.reportInterval;
    if (end >= reportEnd - 1e-9 || end >= s.horizon) state.closeInterval(interval, Math.min(end, reportEnd));
    t = end;
    if (steps % PROGRESS_STEPS === 0) {
      opts.onProgress?.(t, Math.round(state.completedSoFar));
      if (opts.shouldStop) {
        await new Promise((r) => setImmediate(r));
        if (opts.shouldStop()) throw new RunAborted();
      }
    }
  }
  state.finish(usage);
  const unassigned = state.unassignedNodeSeconds(intervals);
  if (scaling !== null) closeScalingBooks(scaling.scaler, s, unassigned, grid.loading);
  opts.onProgress?.(s.horizon, Math.round(state.completedSoFar));
  return {
    scenario: s,
    topology: topo,
    routes,
    intervals,
    stats,
    statOfWorkload,
    grid,
    unassignedNodeSeconds: unassigned,
    ...(scaling !== null && { scaling: scaling.scaler.log }),
    usage,
    priceEpochs: state.priceEpochs,
    estimates,
    interrupted: Math.round(state.interrupted),
    inSystemSeconds: state.inSystemSeconds,
    events: steps,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
