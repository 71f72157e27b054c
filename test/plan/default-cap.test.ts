/**
 * A pool the plan names without nodes.max is searched only up to a default (twice today's nodes,
 * at least 4). When no fleet fits within it, the error says so, naming the pool and the bound,
 * rather than leaving the analyst to believe no count could do. A pool whose models each give
 * their max is bounded by their sum, not by the default.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { planFleet } from "../../src/plan/search.js";
import { loadScenario } from "../../src/scenario/load.js";

const FILE = resolve(import.meta.dirname, "../fixtures/plan/mmc.yaml");

async function failure(set: string[]): Promise<string> {
  const s = await loadScenario(FILE, { set });
  const err = await planFleet(s).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return (err as InputError).message;
}

describe("plan's default pool bound", () => {
  it("is named when no fleet fits within it (10 nodes today: 20 by default)", async () => {
    // 40 requests/s is more than 20 of the fixture's one-request replicas take within the target
    const msg = await failure([
      'plan.pools=[{"pool":"pool"}]',
      "tenants.0.workloads.0.arrival.rate_per_s=40",
    ]);
    expect(msg).toMatch(/plan\.pools\.0 \(pool\) stops at 20 nodes by default/);
    expect(msg).toMatch(/give nodes\.max to search further/);
  });

  it("is not mentioned when the plan gives the bound", async () => {
    const msg = await failure([
      'plan.pools=[{"pool":"pool","nodes":{"max":20}}]',
      "tenants.0.workloads.0.arrival.rate_per_s=40",
    ]);
    expect(msg).not.toMatch(/by default/);
  });

  it("does not cap models that give their own max: the pool then goes up to their sum", async () => {
    // 10 nodes today would stop the pool at 20; the model's max of 30 is what bounds it
    const s = await loadScenario(FILE, {
      set: ['plan.pools=[{"pool":"pool","models":[{"model":"mmc-model","max":30}]}]'],
    });
    expect(s.plan?.pools[0].nodes.max).toBe(30);
    expect(s.plan?.pools[0].maxDefaulted).toBe(false);
  });
});
