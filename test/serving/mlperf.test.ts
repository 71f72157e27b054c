/**
 * MLPerf checks of the step model (docs/service-model.md "MLPerf checks"), from the datasheet
 * profiles with their documented default efficiencies, through the reference replica.
 *
 * The target is 10 %. Not every check reaches it with the default efficiencies; each test
 * asserts the HONEST tolerance reached (`tol`), so that a change making a check worse fails, and
 * says where it stands. Offline issues each submission's samples_per_query at once; Server runs
 * last its min_duration (2,400 s for NVIDIA's Llama-2-70B, 600 s for Red Hat's Llama-3.1-8B) with
 * 8 bisection steps (the bench's 10 give the figures of docs/service-model.md).
 */
import { describe, expect, it } from "vitest";
import { mlperfCases, offlineTokensPerS, serverTokensPerS } from "./mlperf-harness.js";

/** Tolerances reached (relative error), per case: [Offline, Server]. 0.10 is the target. */
const TOLERANCE: Record<string, [number, number]> = {
  // NOT within 10 %: Offline +12.6 %, Server +28 % (docs/service-model.md says why)
  "Llama-2-70B 8 x H100 (v4.1)": [0.14, 0.3],
  // Offline -0.9 %, Server +5.9 %
  "Llama-2-70B 8 x H200 (v4.1)": [0.1, 0.1],
  // Offline NOT within 10 % (+15 %, an estimated mean prompt); Server +0.4 % with the submission's
  // own Server configuration
  "Llama-3.1-8B 1 x H100, vLLM (v5.1)": [0.16, 0.1],
};

describe("MLPerf checks through the reference replica", () => {
  for (const c of mlperfCases()) {
    it(`${c.name}: Offline and Server tokens/s near the published results`, () => {
      const [offTol, srvTol] = TOLERANCE[c.name]!;
      const offline = offlineTokensPerS(c, c.offlineSamplesPerReplica);
      const server = serverTokensPerS(c, c.serverDurationS, offline, 8).tokensPerS;
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
