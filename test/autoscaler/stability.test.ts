/**
 * Stability (issue #24). Under stationary load inside the thresholds the autoscaler decides
 * nothing (the stated bound: at most one decision per hour; it makes none in 3 hours). Under a load
 * doubling and halving every 40 s, far faster than its 5 min cooldown, it never decides twice on
 * the model within the cooldown, so it makes at most horizon / cooldown + 1 decisions.
 */
import { describe, expect, it } from "vitest";
import { runLogged } from "./support.js";

describe("autoscaler: stability", () => {
  it("stationary load: no more than one decision per hour (none at all here)", async () => {
    const r = await runLogged("test/fixtures/autoscaling/stationary.yaml");
    const decisions = r.events.filter((e) => e.action === "scale");
    const hours = r.scenario.horizon / 3600;
    expect(decisions.length).toBeLessThanOrEqual(hours);
    expect(decisions).toEqual([]);
    expect(r.summary.replicaLoads).toBe(0);
  });

  it("load oscillating faster than the cooldown: decisions at least a cooldown apart", async () => {
    const r = await runLogged("test/fixtures/autoscaling/oscillating.yaml");
    const cooldown = r.scenario.autoscaling!.policies[0].cooldown;
    const times = r.events.filter((e) => e.action === "scale").map((e) => e.time);
    expect(times.length).toBeGreaterThan(5); // it does act: the test would prove nothing otherwise
    for (let i = 1; i < times.length; i++)
      expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(cooldown - 1e-9);
    expect(times.length).toBeLessThanOrEqual(Math.floor(r.scenario.horizon / cooldown) + 1);
  });
});
