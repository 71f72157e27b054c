/**
 * Spot nodes (issue #24): provisioned nodes are spot up to spot.max_nodes, each reclaimed after an
 * exponential lifetime with a notice. After each notice the node goes exactly `notice` later; the
 * replicas on it stop taking work at the notice; what they still hold at the end is preempted and
 * routed again; requests are conserved; spot accelerator-seconds pay capex and opex at the discount.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { acceleratorRates, profileOf } from "../../src/contract/cost-rates.js";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { runLogged } from "./support.js";

const FILE = "test/fixtures/autoscaling/spot-reclaim.yaml";

describe("autoscaler: spot nodes reclaimed with notice", () => {
  let r: Awaited<ReturnType<typeof runLogged>>;
  beforeAll(async () => {
    r = await runLogged(FILE);
  });

  it("each reclaim notice is followed by the node leaving exactly the notice later", () => {
    const notice = r.scenario.fleet.pools[0].scaling!.spot!.notice;
    const notices = r.events.filter((e) => e.action === "reclaim_notice");
    const gone = r.events.filter((e) => e.action === "reclaimed");
    expect(notices.length).toBeGreaterThanOrEqual(3);
    expect(gone.length).toBe(notices.filter((e) => e.time + notice < r.scenario.horizon).length);
    gone.forEach((g, i) => {
      expect(g.time - notices[i].time).toBeCloseTo(notice, 9);
    });
    // only nodes provisioned as spot are reclaimed: never below the two on-demand nodes
    for (const g of gone) expect(g.to).toBeGreaterThanOrEqual(2);
  });

  it("admits nothing to a replica after its node's notice, and routes again what it still held", () => {
    const stoppedAt = new Map<number, number>();
    for (const e of r.events) if (e.action === "stop") stoppedAt.set(e.replica, e.time);
    const restarted = new Map<number, number>();
    for (const e of r.events) if (e.action === "ready") restarted.set(e.replica, e.time);
    for (const x of r.log) {
      if (x.outcome !== "completed") continue;
      const stop = stoppedAt.get(x.replica);
      const again = restarted.get(x.replica) ?? Number.NEGATIVE_INFINITY;
      if (stop !== undefined && again < stop) expect(x.admitted).toBeLessThan(stop);
    }
    expectEveryRequestAccounted(r.run);
  });

  it("bills spot accelerator-seconds at the discount (capex and opex), energy as drawn", () => {
    const spot = r.run.scaling!.spotAcceleratorSeconds.reduce((a, b) => a + b, 0);
    expect(spot).toBeGreaterThan(0);
    const present = r.fin.poolCosts.reduce((a, c) => a + c.presentAcceleratorSeconds, 0);
    expect(spot).toBeLessThan(present);
    const rates = acceleratorRates(profileOf(r.scenario, 0), r.scenario);
    const capex = r.fin.poolCosts.reduce((a, c) => a + c.capex, 0) / 1e6;
    const opex = r.fin.poolCosts.reduce((a, c) => a + c.opex, 0) / 1e6;
    const billed = present - 0.6 * spot;
    expect(capex).toBeCloseTo(rates.capexUsd * billed, 5);
    expect(opex).toBeCloseTo(rates.opexUsd * billed, 5);
  });
});
