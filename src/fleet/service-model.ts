/**
 * How fast a replica of a model runs on a hardware profile (docs/service-model.md).
 * Measured tables win (linear interpolation between batch sizes); otherwise a roofline estimate.
 * The curve is computed once per (profile, model, context) and read on the hot path as a
 * Float64Array indexed by batch size.
 */
import type { HardwareProfile, ModelSpec } from "../scenario/types.js";
import { interpolateDecode } from "./measured-table.js";
import { kvBatchLimit, kvCapacityBytes } from "./memory.js";
import { fitProblem } from "./placement.js";
import { rooflineDecodeTokensPerS, rooflinePrefillTokensPerS } from "./roofline.js";
import { decodeStepMs, prefillStepMs } from "./step-table.js";

export interface ServiceCurve {
  source: "measured" | "roofline" | "step";
  /** Prompt tokens per second one replica prefills. */
  prefillTokensPerS: number;
  /** decodeTokensPerS[b] = total decode tokens/s of one replica over a batch of b; index 0 is 0. Length maxBatch + 1. */
  decodeTokensPerS: Float64Array;
  maxBatch: number;
  /** KV-cache bytes one replica has for requests (memory left after weights). */
  kvCapacityBytes: number;
  /**
   * Step curves only: seconds one prompt token adds to a step of maxBatch decodes (chunked
   * prefill mixes prompts into decode steps, where they cost less than alone).
   */
  mixedPrefillSPerToken?: number;
}

export interface CurveContext {
  /** Mean context (prompt + output) tokens of the requests the replica serves; sizes the KV batch limit and the roofline's KV reads. */
  meanContextTokens: number;
  /** scheduler.max_batch, a cap on top of the profile/KV limit; null for none. */
  maxBatchCap: number | null;
}

/**
 * The service curve of one replica. The pair must be placeable (`fitProblem` null): the scenario
 * loader checks that and reports it as an input error; reaching here with a misfit is a bug.
 */
export function serviceCurve(profile: HardwareProfile, model: ModelSpec, ctx: CurveContext): ServiceCurve {
  if (!(ctx.meanContextTokens > 0)) {
    throw new Error(`serviceCurve: meanContextTokens must be > 0, got ${ctx.meanContextTokens}`);
  }
  const problem = fitProblem(profile, model);
  if (problem !== null) throw new Error(`serviceCurve: ${problem}`);

  const measured = profile.performance.find((p) => p.model === model.id);
  const maxBatch = Math.max(
    1,
    Math.min(
      measured?.maxBatch ?? Number.POSITIVE_INFINITY,
      kvBatchLimit(profile, model, ctx.meanContextTokens),
      ctx.maxBatchCap ?? Number.POSITIVE_INFINITY,
    ),
  );

  const decode = new Float64Array(maxBatch + 1);
  const steps = measured?.steps;
  for (let b = 1; b <= maxBatch; b++) {
    decode[b] = steps
      ? // a step table under prefill: pause: b tokens per decode step at the mean context
        (1000 * b) / decodeStepMs(steps, b, ctx.meanContextTokens)
      : measured?.decodeTokensPerS
        ? interpolateDecode(measured.decodeTokensPerS, b)
        : rooflineDecodeTokensPerS(profile, model, b, ctx.meanContextTokens);
  }
  let prefill: number;
  if (steps) {
    // the largest chunk measured: a whole prompt prefilled at once runs at about that rate
    const tokens = steps.prefill.tokens[steps.prefill.tokens.length - 1];
    prefill = (1000 * tokens) / prefillStepMs(steps, tokens);
  } else prefill = measured?.prefillTokensPerS ?? rooflinePrefillTokensPerS(profile, model);
  return {
    source: measured ? "measured" : "roofline",
    prefillTokensPerS: prefill,
    decodeTokensPerS: decode,
    maxBatch,
    kvCapacityBytes: kvCapacityBytes(profile, model),
  };
}
