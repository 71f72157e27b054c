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

/**
 * Bytes in one "GB" of accelerator memory. Memory capacities are binary: DRAM dies come in
 * powers-of-two densities (JEDEC HBM3, JESD238: 8 to 32 Gb dies; an H100's 80 GB is five 16 GiB
 * stacks), so a datasheet's "80 GB" or "141 GB" is GiB. What CUDA reports agrees: nvidia-smi
 * shows 81,559 MiB on an H100 SXM 80 GB and 143,771 MiB on an H200 SXM 141 GB, 0.4 to 0.5 % below
 * 80 and 141 GiB (driver reservations), where counting 1e9 bytes would leave out 6.9 %, which a
 * 70 B model on one H200 feels as a quarter of its KV cache.
 */
export const BYTES_PER_MEMORY_GB = 2 ** 30;

/** Memory of one accelerator of `profile`, bytes. */
export function acceleratorMemoryBytes(profile: HardwareProfile): number {
  return profile.memoryGbPerAccelerator * BYTES_PER_MEMORY_GB;
}

export function weightsBytes(model: ModelSpec): number {
  return model.paramsB * 1e9 * model.bytesPerParam;
}

/** Total memory of one replica, bytes. */
export function replicaMemoryBytes(profile: HardwareProfile, model: ModelSpec): number {
  return acceleratorMemoryBytes(profile) * model.acceleratorsPerReplica;
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
