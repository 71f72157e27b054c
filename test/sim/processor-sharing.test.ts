/**
 * A replica with a flat decode table is a processor-sharing server: each of the b requests it holds
 * advances at decode / b tokens per second. With Poisson arrivals the mean time in system of M/G/1-PS
 * is E[S] / (1 - rho) whatever the service distribution, here 1 / (mu - lambda) with mu = 1 per second (scenarios/validation/mm1-ps.yaml).
 *
 * Tolerance: 4 standard errors of the mean over 8 independent one-day replications (Student t,
 * 7 degrees of freedom: exceeded with probability 0.005), plus the empty-start bias, at most
 * relaxation time / horizon (1 / (mu (1 - sqrt(rho))^2) = 90 s at rho 0.8, against a day: 0.1 %),
 * plus 0.2 % for whole-token output lengths.
 */
import { describe, expect, it } from "vitest";
import { meanAndStdErr } from "../support/queueing.js";
import { runScenario } from "../support/run-scenario.js";

const MU = 1;

// Exponential lengths at two loads, and constant lengths at lambda 0.8: processor sharing is
// insensitive to the service distribution (still 1 / (mu - lambda) = 5 s), where a FIFO server with
// constant service would give 1 + rho / (2 (1 - rho)) = 3 s (Pollaczek-Khinchine), so the third case
// tells sharing from queueing.
describe.each([
  [0.5, "{dist: exponential, mean: 1001}"],
  [0.8, "{dist: exponential, mean: 1001}"],
  [0.8, "{dist: constant, value: 1001}"],
])("M/G/1-PS at lambda %s, output %s", (lambda, output) => {
  it("mean time in system is 1 / (mu - lambda)", async () => {
    const means: number[] = [];
    let horizon = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const { run, scenario } = await runScenario("scenarios/validation/mm1-ps.yaml", {
        seed,
        set: [
          `tenants.poisson-tenant.workloads.0.arrival.rate_per_s=${lambda}`,
          `tenants.poisson-tenant.workloads.0.output_tokens=${output}`,
        ],
      });
      horizon = scenario.horizon;
      expect(run.topology.replicaCount).toBe(1);
      means.push(run.stats[0].e2eS.mean()!);
    }
    const expected = 1 / (MU - lambda);
    const relaxation = 1 / (MU * (1 - Math.sqrt(lambda / MU)) ** 2);
    const { mean, se } = meanAndStdErr(means);
    expect(Math.abs(mean - expected)).toBeLessThanOrEqual(4 * se + (relaxation / horizon + 0.002) * expected);
    // The tolerance is well under the 40 % gap between sharing and FIFO in the constant case.
    expect(4 * se + (relaxation / horizon + 0.002) * expected).toBeLessThan(0.1 * expected);
  });
});
