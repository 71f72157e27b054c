/**
 * MLPerf checks of the step model (docs/service-model.md "MLPerf checks"), from the datasheet
 * profiles with their documented default efficiencies, through the reference replica.
 *
 * The target is 10 %. Not every check reaches it with the default efficiencies; each test
 * asserts the HONEST tolerance reached (`tol`), so that a change making a check worse fails, and
 * says where it stands. The long form (600 s Server runs) is bench/validation/mlperf.ts; this
 * suite runs 300 s of Server arrivals and 8 bisection steps.
 */
import { describe, expect, it } from "vitest";
import { mlperfCases, offlineTokensPerS, serverTokensPerS } from "./mlperf-harness.js";

const SERVER_DURATION_S = 300;

/** Tolerances reached (relative error), per case: [Offline, Server]. 0.10 is the target. */
const TOLERANCE: Record<string, [number, number]> = {
  // Offline +9.2 %; Server NOT within 10 %: +35 % (300 s runs) / +32 % (600 s)
  "Llama-2-70B 8 x H100 (v4.1)": [0.1, 0.38],
  // Offline -5.6 %; Server NOT within 10 %: +15 % (300 s) / +11 % (600 s)
  "Llama-2-70B 8 x H200 (v4.1)": [0.1, 0.18],
  // NOT within 10 %: Offline -28 %, Server -24 %; driven by the estimated CNN/DailyMail prompt length
  "Llama-3.1-8B 1 x H100, vLLM (v5.1)": [0.3, 0.27],
};

describe("MLPerf checks through the reference replica", () => {
  for (const c of mlperfCases()) {
    it(`${c.name}: Offline and Server tokens/s near the published results`, () => {
      const [offTol, srvTol] = TOLERANCE[c.name]!;
      const offline = offlineTokensPerS(c, c.offlineSamplesPerReplica);
      const server = serverTokensPerS(c, SERVER_DURATION_S, offline, 8).tokensPerS;
      const offErr = offline / c.published.offline - 1;
      const srvErr = server / c.published.server - 1;
      expect(Math.abs(offErr), `Offline ${offline.toFixed(0)} vs ${c.published.offline}`).toBeLessThanOrEqual(
        offTol,
      );
      expect(Math.abs(srvErr), `Server ${server.toFixed(0)} vs ${c.published.server}`).toBeLessThanOrEqual(
        srvTol,
      );
    });
  }
});
