/**
 * M/M/c: a pool of one-request replicas (max batch 1), Poisson arrivals, service time ~ exponential
 * (exponential output tokens at a constant decode rate, a 1-token prompt). `plan` must return the
 * smallest c whose p99 wait meets the target, computed here from Erlang C:
 *   P(W > t) = C(c, a) e^{-(c mu - lambda) t}.
 * Targets sit at the geometric mean of the p99 waits of c* - 1 and c* (at least a factor of 1.9
 * apart, so ~38 % from either), so the answer does not hang on the noise of the runs.
 */

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { planFleet } from "../../src/plan/search.js";
import { loadScenario } from "../../src/scenario/load.js";
import { erlangC } from "../support/queueing.js";

const FILE = resolve(import.meta.dirname, "../fixtures/plan/mmc.yaml");
/** Mean service: E[output - 1] / 100 tokens/s, output exponential of mean 100 (prefill 1 us). */
const SERVICE_S = 99 / 100;

/** p99 wait from the tests' own Erlang C (test/support/queueing.ts, not the planner's module). */
function p99Wait(c: number, lambda: number): number {
  const a = lambda * SERVICE_S;
  if (a >= c) return Number.POSITIVE_INFINITY;
  const C = erlangC(c, a);
  return C <= 0.01 ? 0 : Math.log(C / 0.01) / (c / SERVICE_S - lambda);
}

function question(lambda: number): { c: number; target: number } {
  for (let c = Math.ceil(lambda * SERVICE_S) + 1; c < 100; c++) {
    const above = p99Wait(c - 1, lambda);
    const here = p99Wait(c, lambda);
    if (above >= 0.25 && above <= 4 && above >= 1.9 * here) {
      return { c, target: Math.sqrt(above * Math.max(here, above / 4)) };
    }
  }
  throw new Error(`no well-separated c at ${lambda} requests/s`);
}

describe("plan on an M/M/c queue", () => {
  for (const lambda of [2, 6, 15]) {
    it(`returns the Erlang C answer at ${lambda} requests/s`, async () => {
      const q = question(lambda);
      const s = await loadScenario(FILE, {
        set: [
          `tenants.0.workloads.0.arrival.rate_per_s=${lambda}`,
          `tenants.0.workloads.0.slo.ttft_s=${q.target}`,
        ],
      });
      const o = await planFleet(s);
      expect(o.nodes).toEqual([q.c]);
      const t = o.result.targets[0];
      expect(t.ttftP99S?.mean).toBeLessThanOrEqual(q.target);
    }, 120_000);
  }
});
