/**
 * The pre-flight limits every command applies before it runs anything (run, compare, sweep): a run
 * estimated above MAX_EVENTS_WITHOUT_FORCE events is refused unless forced, and one above
 * ANNOUNCE_EVENTS has its estimate printed.
 */

import { planRun } from "../contract/plan.js";
import type { PreflightEstimate } from "../contract/run-options.js";
import { createRun } from "../request/simulation.js";
import type { Scenario } from "../scenario/types.js";
import { simulate } from "./simulate.js";

/** Runs estimated above this many events are refused unless forced (about 3 minutes at 3 M events/s). */
export const MAX_EVENTS_WITHOUT_FORCE = 500_000_000;

/** Runs (or sweeps, in all) estimated above this many events print their estimate before starting. */
export const ANNOUNCE_EVENTS = 20_000_000;

/** A count in millions, as the estimates are shown: "12.3 M". */
export const millions = (n: number) => `${(n / 1e6).toFixed(1)} M`;

/** True when the estimate is above the limit and the user did not force it. */
export function overLimit(e: PreflightEstimate, force: boolean): boolean {
  return e.events > MAX_EVENTS_WITHOUT_FORCE && !force;
}

/** "<subject> is estimated at X M events (Y M requests), above the limit ...; ... or pass --force". */
export function overLimitMessage(subject: string, e: PreflightEstimate, perRun = false): string {
  return `${subject} is estimated at ${millions(e.events)} events${perRun ? " per run" : ""} (${millions(e.requests)} requests), above the limit of ${millions(MAX_EVENTS_WITHOUT_FORCE)} events; shorten the horizon, use --fidelity fluid, or pass --force`;
}

/**
 * Everything a run checks before it starts (models fit their pools, references route, every source
 * opens), running nothing. Returns the request engine's estimate over the whole horizon.
 */
export async function checkScenario(s: Scenario): Promise<PreflightEstimate> {
  const run = createRun(s, await planRun(s), null);
  await run.closeSources();
  return run.preflight();
}

const ESTIMATE_ONLY = Symbol("estimate only");

/**
 * A run's pre-flight estimate, computed without running it: the requests its workloads are
 * expected to send and the events that takes. Null for a fluid run (no events to count).
 */
export async function estimateRun(s: Scenario): Promise<PreflightEstimate | null> {
  if (s.fidelity === "fluid") return null;
  let estimate: PreflightEstimate | null = null;
  try {
    await simulate(s, {
      workers: 1,
      preflight: (e) => {
        estimate = e;
        throw ESTIMATE_ONLY;
      },
    });
  } catch (e) {
    if (e !== ESTIMATE_ONLY) throw e;
  }
  return estimate;
}

/**
 * checkScenario and the run's estimate in one pass for request runs (the checks build the run the
 * estimate reads); a fluid run has none, a hybrid run's is its windows'.
 */
export async function checkAndEstimate(s: Scenario): Promise<PreflightEstimate | null> {
  const whole = await checkScenario(s);
  return s.fidelity === "request" ? whole : estimateRun(s);
}
