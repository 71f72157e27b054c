/**
 * Predictive policy (issue #24): at each decision it asks for ceil(rate(t + lead) / (replica rate x
 * target_utilization)) replicas, from the workload's known rate profile alone. The test computes
 * that count from the diurnal formula (rate x (1 + a cos(2 pi (t - peak) / 1 day)), a = (r - 1) /
 * (r + 1)) and the replica's saturated rate, and checks every decision against it; replicas rise
 * ahead of the peak and fall after it.
 */
import { describe, expect, it } from "vitest";
import { planRun } from "../../src/contract/plan.js";
import { saturatedOutputTokensPerS } from "../../src/fleet/saturated-throughput.js";
import { runLogged } from "./support.js";

describe("autoscaler: predictive", () => {
  it("asks at every decision for what the rate lead seconds ahead needs at the target utilisation", async () => {
    const r = await runLogged("test/fixtures/autoscaling/predictive.yaml");
    const plan = await planRun(r.scenario);
    const g = plan.topology.groups[0];
    const replicaRate = saturatedOutputTokensPerS(g.curve, 200, 40) / 40;
    const a = (3 - 1) / (3 + 1);
    const rate = (t: number) => 20 * (1 + a * Math.cos((2 * Math.PI * (t - 12 * 3600)) / 86_400));
    const lead = 600;
    const want = (t: number) =>
      Math.min(12, Math.max(1, Math.ceil(rate(t + lead) / (replicaRate * 0.25) - 1e-9)));
    const decisions = r.events.filter((e) => e.action === "scale");
    expect(decisions.length).toBeGreaterThan(5);
    // The decisions a tick-by-tick replay of the rule makes: at every 5 min, when the count it asks
    // for differs from the one it has (the 5 min cooldown never binds at this interval).
    const expected: Array<[number, number, number]> = [];
    let have = 2;
    for (let t = 300; t < r.scenario.horizon; t += 300) {
      const w = want(t);
      if (w !== have) {
        expected.push([t, have, w]);
        have = w;
      }
    }
    expect(decisions.map((d) => [d.time, d.from, d.to])).toEqual(expected);
    // the count follows the forecast: highest before noon's peak is reached, lowest near midnight
    const top = decisions.reduce((x, y) => (y.to > x.to ? y : x));
    expect(top.time).toBeLessThan(12 * 3600 + 3600);
    expect(top.time).toBeGreaterThan(8 * 3600);
  });
});
