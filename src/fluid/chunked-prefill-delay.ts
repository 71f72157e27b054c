/**
 * The fluid mode's TTFT under vLLM's long_prefill_token_threshold: a step replica computes at
 * most `threshold` tokens of a prompt a step, so a prompt of P uncached tokens reaches its first
 * token after ceil(P / threshold) steps instead of one. Each extra step costs what the step model
 * says a step of the same decodes costs beyond the compute its chunk adds: the fixed overhead,
 * the decodes' own work, and the weights read when the chunk's compute does not hide it. Those
 * steps are timed with the step model itself: the delay is the chunked steps' sum less the one
 * step that would have carried the whole prompt (the decodes' contexts held at their mean).
 */
import {
  addPrefillChunk,
  clearPrefill,
  emptyComposition,
  type StepComposition,
  type StepTimeModel,
} from "../fleet/step-time.js";

const comp: StepComposition = emptyComposition();

function stepWith(
  model: StepTimeModel,
  decodes: number,
  decodeContext: number,
  cached: number,
  n: number,
  completes: boolean,
): number {
  clearPrefill(comp);
  comp.decodes = decodes;
  comp.decodeCachedSum = decodes * decodeContext;
  addPrefillChunk(comp, cached, n, completes);
  return model.stepSeconds(comp);
}

/**
 * Seconds a prompt of `uncached` tokens after `cached` ones waits for its first token beyond one
 * step, sharing its steps with `decodes` decoding requests of `decodeContext` tokens each.
 */
export function chunkedPrefillDelayS(
  model: StepTimeModel,
  threshold: number,
  cached: number,
  uncached: number,
  decodes: number,
  decodeContext: number,
): number {
  if (threshold <= 0 || uncached <= threshold) return 0;
  let split = 0;
  for (let done = 0; done < uncached; done += threshold) {
    const n = Math.min(threshold, uncached - done);
    split += stepWith(model, decodes, decodeContext, cached + done, n, done + n === uncached);
  }
  const whole = stepWith(model, decodes, decodeContext, cached, uncached, true);
  return Math.max(0, split - whole);
}
