/**
 * Memory of one model replica: weights, and the KV cache left for requests.
 * A replica spans `model.acceleratorsPerReplica` accelerators, so its memory is that many times
 * the per-accelerator memory.
 */
import type { HardwareProfile, ModelSpec } from "../scenario/types.js";

/**
 * Fraction of a replica's memory usable for weights + KV cache. The rest holds activations,
 * the runtime's workspace and allocator fragmentation (TensorRT-LLM's MLPerf configs leave 10 %
 * free: kvcache_free_gpu_mem_frac = 0.90; vLLM's default gpu_memory_utilization is also 0.9).
 */
export const USABLE_MEMORY_FRACTION = 0.9;

/** Context (prompt + output tokens) of the smallest request a replica must hold to be placeable. */
export const MIN_REQUEST_CONTEXT_TOKENS = 1024;

export function weightsBytes(model: ModelSpec): number {
  return model.paramsB * 1e9 * model.bytesPerParam;
}

/** Total memory of one replica, bytes. */
export function replicaMemoryBytes(profile: HardwareProfile, model: ModelSpec): number {
  return profile.memoryGbPerAccelerator * 1e9 * model.acceleratorsPerReplica;
}

/** KV-cache bytes one replica has for requests: usable memory minus weights (negative: weights don't fit). */
export function kvCapacityBytes(profile: HardwareProfile, model: ModelSpec): number {
  return replicaMemoryBytes(profile, model) * USABLE_MEMORY_FRACTION - weightsBytes(model);
}

/** How many requests of `contextTokens` tokens fit in the KV cache at once. */
export function kvBatchLimit(profile: HardwareProfile, model: ModelSpec, contextTokens: number): number {
  const free = kvCapacityBytes(profile, model);
  if (free <= 0) return 0;
  return Math.floor(free / (contextTokens * model.kvBytesPerToken));
}
