/**
 * Output tokens/s of a replica kept full of work (an offline benchmark), with prefill pausing the
 * batch: every admitted request's prompt is prefilled alone while the B decoding requests wait.
 * Over a long run that completes N requests in time T,
 *   T = N * prompt / prefill + N * output / decode(B)
 * so output tokens/s = N * output / T = 1 / (1 / decode(B) + prompt / (prefill * output)).
 */
import type { ServiceCurve } from "./service-model.js";

export function saturatedOutputTokensPerS(
  curve: ServiceCurve,
  promptTokens: number,
  outputTokens: number,
): number {
  const decode = curve.decodeTokensPerS[curve.maxBatch];
  return 1 / (1 / decode + promptTokens / (curve.prefillTokensPerS * outputTokens));
}
