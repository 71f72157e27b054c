/**
 * CONTRACT (to be implemented): how fast a replica of a model runs on a hardware profile.
 * Measured tables win (linear interpolation between batch sizes); otherwise a roofline estimate.
 */
import type { HardwareProfile, ModelSpec } from "../scenario/types.js";

export interface ServiceCurve {
  source: "measured" | "roofline";
  /** Prompt tokens per second one replica prefills. */
  prefillTokensPerS: number;
  /** decodeTokensPerS[b] = total decode tokens/s of one replica over a batch of b; index 0 is 0. Length maxBatch + 1. */
  decodeTokensPerS: Float64Array;
  maxBatch: number;
  /** KV-cache bytes one replica has for requests (memory left after weights). */
  kvCapacityBytes: number;
}

export interface CurveContext {
  /** Mean context (prompt + output) tokens of the requests the replica serves; sizes the KV batch limit and the roofline's KV reads. */
  meanContextTokens: number;
  /** scheduler.max_batch, a cap on top of the profile/KV limit; null for none. */
  maxBatchCap: number | null;
}

export declare function serviceCurve(
  profile: HardwareProfile,
  model: ModelSpec,
  ctx: CurveContext,
): ServiceCurve;
