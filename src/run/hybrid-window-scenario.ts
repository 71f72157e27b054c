/**
 * The scenario a hybrid window runs with the request engine: the same scenario seen from the
 * window's start. Time origin, horizon and seed change; everything in force at the window start
 * carries over exactly:
 *
 * - fleet changes, price changes, tenant_shift and demand_change before the start happen at time 0
 *   (in their order), so the fleet (the topology and its replica slots are unchanged: the whole
 *   build-out plan stays, only shifted), the price epochs (same numbering as the whole run) and the
 *   load multipliers (cumulative products) are those in force at the start;
 * - an outage running at the start runs from 0 for what is left of it; one over before is dropped;
 * - the diurnal cycle keeps its phase (the start moves with the window), and monthly growth, which
 *   is exp(kappa t) from the scenario start, is folded into the rate: rate_per_s x (1 + growth)^(at /
 *   30 days) from the window's time 0 on, so the rate at every instant is the same function of time.
 *
 * The request engine starts empty at the window start (a cold start: nothing queued or held).
 */
import type { HybridWindow, Scenario, TimelineEvent } from "../scenario/types.js";
import { SECONDS_PER_MONTH } from "../workload/rate-profile.js";

export function windowScenario(s: Scenario, w: HybridWindow): Scenario {
  const at = w.at;
  const shift = (t: number) => Math.max(0, t - at);
  const events: TimelineEvent[] = [];
  for (const e of s.events) {
    if (e.type === "model_outage" || e.type === "pool_outage") {
      const end = e.at + e.duration;
      if (end <= at) continue; // over before the window
      events.push({ ...e, at: shift(e.at), duration: end - Math.max(e.at, at) });
    } else events.push({ ...e, at: shift(e.at) });
  }
  return {
    ...s,
    seed: windowSeed(s.seed, at),
    startMs: s.startMs + at * 1000,
    horizon: Math.min(w.duration, s.horizon - at),
    fidelity: "request",
    fluid: s.fluid ? { step: s.fluid.step } : undefined,
    fleet: { pools: s.fleet.pools, changes: s.fleet.changes.map((c) => ({ ...c, at: shift(c.at) })) },
    tenants: s.tenants.map((t) => ({
      ...t,
      workloads: t.workloads.map((wl) => {
        const a = wl.arrival;
        if (a.process === "trace" || a.growthPerMonth === 0 || at === 0) return wl;
        const grown = a.ratePerS * Math.exp((Math.log1p(a.growthPerMonth) / SECONDS_PER_MONTH) * at);
        return { ...wl, arrival: { ...a, ratePerS: grown } };
      }),
    })),
    events,
  };
}

/**
 * Seed of the window starting at `at`: the scenario's seed for a window at 0 (so a window over the
 * whole horizon is the request-level run), otherwise a 32-bit FNV-1a hash of seed and start, so
 * windows draw independent random numbers and the same window of two variants draws the same.
 */
export function windowSeed(seed: number, at: number): number {
  if (at === 0) return seed;
  let h = 0x811c9dc5;
  for (const ch of `${seed}@${at}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
