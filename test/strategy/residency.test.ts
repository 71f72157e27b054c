/**
 * Data residency, as a property over random small scenarios: a workload with a `region` only ever
 * runs on pools in that region, also when an outage sends it down its fallback chain. Each tenant's
 * workloads ask for distinct models, so every usage row (tenant x requested model x serving group)
 * belongs to exactly one workload.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulateDoc } from "./support.js";

const REGIONS = ["us-east", "eu-west", "asia-east"];
// Small models: eight replicas per H100 node, so every pool is cheap to simulate.
const MODELS = ["gpt-4o-mini", "llama-3.1-8b", "mistral-7b"];

const pool = (regions: number) =>
  fc.record({
    region: fc.integer({ min: 0, max: regions - 1 }),
    models: fc.uniqueArray(fc.constantFrom(...MODELS), { minLength: 1, maxLength: 3 }),
  });

const workload = (regions: number) =>
  fc.record({
    region: fc.option(fc.integer({ min: 0, max: regions - 1 }), { nil: null }),
    fallback: fc.subarray(MODELS),
    rate: fc.double({ min: 0.5, max: 5, noNaN: true }),
  });

const tenant = (regions: number) =>
  fc.record({
    models: fc.uniqueArray(fc.constantFrom(...MODELS), { minLength: 1, maxLength: 3 }),
    workloads: fc.array(workload(regions), { minLength: 3, maxLength: 3 }),
  });

const scenarioArb = fc.integer({ min: 2, max: 3 }).chain((regions) =>
  fc.record({
    regions: fc.constant(regions),
    pools: fc.array(pool(regions), { minLength: 2, maxLength: 4 }),
    tenants: fc.array(tenant(regions), { minLength: 1, maxLength: 3 }),
    outage: fc.option(fc.constantFrom(...MODELS), { nil: null }),
    seed: fc.integer({ min: 0, max: 1000 }),
  }),
);

type Generated = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function toDoc(g: Generated) {
  const regions = REGIONS.slice(0, g.regions);
  return {
    name: "residency",
    seed: g.seed,
    horizon: "2m",
    report_interval: "1m",
    regions,
    fleet: {
      pools: g.pools.map((p, i) => ({
        id: `p${i}`,
        profile: "nd-h100-v5",
        region: regions[p.region],
        nodes: p.models.length,
        serves: p.models.map((model) => ({ model, nodes: 1 })),
      })),
    },
    tenants: g.tenants.map((t, ti) => ({
      id: `t${ti}`,
      workloads: t.models.map((model, wi) => {
        const w = t.workloads[wi];
        return {
          model,
          region: w.region === null ? null : regions[w.region],
          arrival: { process: "poisson", rate_per_s: w.rate },
          prompt_tokens: { dist: "exponential", mean: 300, max: 4000 },
          output_tokens: { dist: "exponential", mean: 60, max: 1000 },
          fallback: w.fallback.filter((m) => m !== model),
        };
      }),
    })),
    events: g.outage === null ? [] : [{ at: "40s", type: "model_outage", model: g.outage, duration: "40s" }],
  };
}

describe("data residency", () => {
  it("never runs a region-bound workload outside its region, failover included", async () => {
    let checked = 0;
    let failedOver = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (g) => {
        const { run } = await simulateDoc(toDoc(g));
        for (const u of run.usage.rows) {
          const owners = run.routes.workloads.filter((w) => run.statOfWorkload[w.index] === u.statRow);
          expect(owners).toHaveLength(1);
          const region = owners[0].spec.region;
          if (region === null) continue;
          expect(run.topology.groups[u.group].pool.region).toBe(region);
          checked += u.requests;
          failedOver += u.failedOver;
        }
      }),
      { numRuns: 25, seed: 20250601 },
    );
    // The property was exercised: region-bound requests were served, some of them after failover.
    expect(checked).toBeGreaterThan(1000);
    expect(failedOver).toBeGreaterThan(0);
  });
});
