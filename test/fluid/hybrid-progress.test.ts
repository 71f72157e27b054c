/**
 * A hybrid run's progress counts its whole work in simulated time (the fluid pass over the horizon,
 * then each window again request by request), so the share done never goes back, on one thread or
 * with the windows on several.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../../src/run/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";
import { scenarioPath } from "../support/run-scenario.js";

describe("hybrid progress", () => {
  for (const workers of [1, 2]) {
    it(`grows from the fluid pass through the windows to 1 (${workers} thread${workers > 1 ? "s" : ""})`, async () => {
      const s = await loadScenario(scenarioPath("test/fixtures/fluid/hybrid.yaml"), { fidelity: "hybrid" });
      expect(s.fluid?.windows?.length).toBeGreaterThan(1);
      const fractions: number[] = [];
      await simulate(s, {
        workers,
        sliceEvents: 20_000,
        onProgress: (_t, _done, fraction) => {
          expect(fraction).toBeDefined();
          fractions.push(fraction!);
        },
      });
      for (let i = 1; i < fractions.length; i++)
        expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] - 1e-12);
      const windowTime = s.fluid!.windows!.reduce((a, w) => a + w.duration, 0);
      // The fluid pass ends at horizon / (horizon + window time); the windows carry it to 1.
      expect(fractions).toContainEqual(expect.closeTo(s.horizon / (s.horizon + windowTime), 9));
      expect(fractions.at(-1)).toBeCloseTo(1, 9);
    });
  }
});
