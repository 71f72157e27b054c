/** tenant_shift: a shift of 0.4 leaves the tenant 60 % of its arrivals and no other tenant's. */
import { describe, expect, it } from "vitest";
import { simulateDoc, smallTokens, tenantRequests } from "./support.js";

function scenario(process: "constant" | "poisson", ratePerS: number, shift: boolean) {
  const workload = { model: "gpt-4o-mini", arrival: { process, rate_per_s: ratePerS }, ...smallTokens };
  return {
    name: "shift",
    horizon: "1h",
    fleet: {
      pools: [{ id: "h100", profile: "nd-h100-v5", nodes: 2, serves: [{ model: "gpt-4o-mini", nodes: 2 }] }],
    },
    tenants: [
      { id: "big-lab", kind: "lab", workloads: [workload] },
      { id: "other", workloads: [workload] },
    ],
    events: shift ? [{ at: "30m", type: "tenant_shift", tenant: "big-lab", fraction: 0.4 }] : [],
  };
}

/** Arrivals of `tenant` in the first and the second half hour (a run to 30m gives the first half). */
async function halves(doc: object, tenant: string): Promise<[number, number]> {
  const whole = tenantRequests((await simulateDoc(doc)).run, tenant);
  const first = tenantRequests((await simulateDoc(doc, { horizon: "30m" })).run, tenant);
  return [first, whole - first];
}

describe("tenant_shift", () => {
  it("cuts evenly spaced arrivals to 60 % exactly", async () => {
    const [before, after] = await halves(scenario("constant", 4, true), "big-lab");
    expect(Math.abs(before - 4 * 1800)).toBeLessThanOrEqual(1);
    expect(Math.abs(after - 0.6 * 4 * 1800)).toBeLessThanOrEqual(2);
  });

  it("cuts Poisson arrivals to 60 % within sampling error, leaving other tenants' draws unchanged", async () => {
    const [before, after] = await halves(scenario("poisson", 20, true), "big-lab");
    // Expected 36,000 and 21,600 arrivals. The ratio's relative sd is sqrt(1/36000 + 1/21600)
    // = 0.0086, so its sd is 0.0052: 4 sd = 0.021.
    expect(Math.abs(after / before - 0.6)).toBeLessThan(0.021);
    // Common random numbers: the other tenant's stream does not depend on the shift.
    const withShift = (await simulateDoc(scenario("poisson", 20, true))).run;
    const without = (await simulateDoc(scenario("poisson", 20, false))).run;
    expect(tenantRequests(withShift, "other")).toBe(tenantRequests(without, "other"));
    expect(tenantRequests(withShift, "big-lab")).toBeLessThan(tenantRequests(without, "big-lab"));
  });
});
