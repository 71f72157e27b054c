/**
 * Roofline estimate of a replica's speed from the hardware specs (spec/scenario.md):
 * a decode step of batch b reads the weights once and each request's KV cache, and does
 * 2 * active_params FLOPs per token; it takes the longer of the memory time and the compute time.
 */
import type { HardwareProfile, ModelSpec } from "../scenario/types.js";
import { weightsBytes } from "./memory.js";

/** Achievable memory bandwidth of one replica, bytes/s. */
function replicaBandwidth(profile: HardwareProfile, model: ModelSpec): number {
  return profile.memoryBandwidthTbPerS * 1e12 * model.acceleratorsPerReplica * profile.efficiency.memory;
}

/** Achievable FLOP/s of one replica. */
function replicaFlops(profile: HardwareProfile, model: ModelSpec): number {
  return profile.peakTflops * 1e12 * model.acceleratorsPerReplica * profile.efficiency.compute;
}

/** Seconds one decode step of `batch` requests with `contextTokens` tokens of context each takes. */
export function rooflineDecodeStepSeconds(
  profile: HardwareProfile,
  model: ModelSpec,
  batch: number,
  contextTokens: number,
): number {
  const bw = replicaBandwidth(profile, model);
  const memory = weightsBytes(model) / bw + (batch * contextTokens * model.kvBytesPerToken) / bw;
  const compute = (2 * model.activeParamsB * 1e9 * batch) / replicaFlops(profile, model);
  return Math.max(memory, compute);
}

/** Total decode tokens/s of one replica over a batch of `batch` requests. */
export function rooflineDecodeTokensPerS(
  profile: HardwareProfile,
  model: ModelSpec,
  batch: number,
  contextTokens: number,
): number {
  if (batch <= 0) return 0;
  return batch / rooflineDecodeStepSeconds(profile, model, batch, contextTokens);
}

/** Prompt tokens/s one replica prefills (compute-bound: 2 * active_params FLOPs per token). */
export function rooflinePrefillTokensPerS(profile: HardwareProfile, model: ModelSpec): number {
  return replicaFlops(profile, model) / (2 * model.activeParamsB * 1e9);
}
