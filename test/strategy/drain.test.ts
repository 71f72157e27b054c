/**
 * fleet.changes remove_nodes: the removed replica takes no new work, finishes the requests it holds
 * (drain), then leaves the fleet and stops costing. Requests are long (2,000 output tokens, about
 * 20-30 s each) so a drain is visible at a 10-minute report interval.
 */
import { describe, expect, it } from "vitest";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { runDoc } from "./support.js";

const doc = {
  name: "drain",
  horizon: "1h",
  report_interval: "10m",
  fleet: {
    pools: [{ id: "h100", profile: "nd-h100-v5", nodes: 2, serves: [{ model: "gpt-4o", nodes: 2 }] }],
    changes: [{ at: "30m", pool: "h100", remove_nodes: 1 }],
  },
  tenants: [
    {
      id: "bank",
      workloads: [
        {
          model: "gpt-4o",
          arrival: { process: "constant", rate_per_s: 0.5 },
          prompt_tokens: { dist: "constant", value: 500 },
          output_tokens: { dist: "constant", value: 2000 },
        },
      ],
    },
  ],
};

describe("removing nodes", () => {
  it("drains the removed replica's running requests, then stops counting and costing it", async () => {
    const { run, fin, summary } = await runDoc(doc);
    expect(summary.rejected).toBe(0);
    expect(summary.interrupted).toBe(0);
    expectEveryRequestAccounted(run);
    const g = run.topology.groups[0].index;
    const present = (k: number) => run.grid.present[run.grid.at(k, g)];
    // gpt-4o: one replica per H100 node. Two replicas for 10 minutes = 1,200 replica-seconds.
    for (const k of [0, 1, 2]) expect(present(k)).toBeCloseTo(1200, 6);
    // Interval 3 starts at the removal: the second replica stays while it drains (more than 600),
    // and leaves once its requests finish, well within a minute (it takes no new ones).
    expect(present(3)).toBeGreaterThan(600);
    expect(present(3)).toBeLessThan(660);
    for (const k of [4, 5]) expect(present(k)).toBeCloseTo(600, 6);
    // Capex and opex follow the nodes present: a half-fleet interval costs half as much.
    const cost = (k: number) => fin.poolCosts.find((c) => c.interval === k && c.pool === 0)!;
    expect(cost(5).nodeSeconds).toBeCloseTo(cost(0).nodeSeconds / 2, 6);
    expect(Math.abs(2 * cost(5).capex - cost(0).capex)).toBeLessThanOrEqual(2);
    expect(Math.abs(2 * cost(5).opex - cost(0).opex)).toBeLessThanOrEqual(2);
  });

  it("keeps both replicas when no change is planned (the control)", async () => {
    const { run } = await runDoc({ ...doc, fleet: { ...doc.fleet, changes: [] } });
    const g = run.topology.groups[0].index;
    expect(run.grid.present[run.grid.at(5, g)]).toBeCloseTo(1200, 6);
  });
});
