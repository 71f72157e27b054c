/**
 * The llama-2-70b tables of nd-h100-v5 / nd-h200-v5 against MLPerf Inference v4.1 Llama-2-70B
 * Offline (output tokens/s per 8-GPU node). Analytic: a saturated node of replicas at full batch,
 * prefill pausing the batch (src/fleet/saturated-throughput.ts). No sampling, so the tolerance is
 * the brief's 15 % model-error band, not a statistical one.
 */
import { describe, expect, it } from "vitest";
import { replicasPerNodes } from "../../src/fleet/placement.js";
import { saturatedOutputTokensPerS } from "../../src/fleet/saturated-throughput.js";
import { serviceCurve } from "../../src/fleet/service-model.js";
import { model, profile } from "./helpers.js";

/** ESTIMATE of the MLPerf OpenOrca set's mean prompt (docs/service-model.md, "Calibration"). */
const MEAN_PROMPT_TOKENS = 200;

const MLPERF = [
  // output tokens/s per node; tokens per sample from the run's accuracy.txt
  { profile: "nd-h100-v5", tokensPerS: 24_524.9, outputTokens: 290.3 },
  { profile: "nd-h200-v5", tokensPerS: 31_302.7, outputTokens: 291.2 },
];

function nodeThroughput(profileId: string, outputTokens: number, withTable: boolean): number {
  const p = profile(profileId);
  const hw = withTable ? p : { ...p, performance: [] };
  const m = model("llama-2-70b");
  const curve = serviceCurve(hw, m, {
    meanContextTokens: MEAN_PROMPT_TOKENS + outputTokens,
    maxBatchCap: null,
  });
  return replicasPerNodes(hw, m, 1) * saturatedOutputTokensPerS(curve, MEAN_PROMPT_TOKENS, outputTokens);
}

describe("calibration to MLPerf v4.1 Llama-2-70B Offline", () => {
  for (const run of MLPERF) {
    it(`${run.profile}: the measured table reaches MLPerf within 15 % with prefill pausing decode`, () => {
      const got = nodeThroughput(run.profile, run.outputTokens, true);
      expect(Math.abs(got / run.tokensPerS - 1)).toBeLessThan(0.15);
    });

    it(`${run.profile}: ignoring the prefill pauses would overshoot MLPerf by more than 15 %`, () => {
      // shows the pause accounting matters: decode at full batch alone is too fast
      const p = profile(run.profile);
      const m = model("llama-2-70b");
      const curve = serviceCurve(p, m, { meanContextTokens: 491, maxBatchCap: null });
      const decodeOnly = replicasPerNodes(p, m, 1) * curve.decodeTokensPerS[curve.maxBatch];
      expect(decodeOnly / run.tokensPerS - 1).toBeGreaterThan(0.15);
    });

    it(`${run.profile}: the pure roofline (no table) lands within a factor 1.6 of MLPerf`, () => {
      const got = nodeThroughput(run.profile, run.outputTokens, false);
      const deviation = got / run.tokensPerS - 1;
      // recorded in docs/service-model.md
      console.log(
        `${run.profile} roofline: ${got.toFixed(0)} tokens/s, ${(deviation * 100).toFixed(1)} % vs MLPerf`,
      );
      expect(got / run.tokensPerS).toBeGreaterThan(1 / 1.6);
      expect(got / run.tokensPerS).toBeLessThan(1.6);
    });
  }
});
