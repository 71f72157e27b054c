/**
 * Paged KV memory as vLLM manages it: the cache is cut into blocks of `blockSize` tokens; a
 * request holds ceil(tokens / blockSize) blocks, allocated as its tokens are computed (not the
 * whole prompt + output at admission) and all freed when it finishes or is preempted.
 */

/** vLLM's default block size (tokens per block) on CUDA. */
export const DEFAULT_BLOCK_SIZE = 16;
/** vLLM's default gpu_memory_utilization: the fraction of each device's memory vLLM may use. */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

export function blocksFor(tokens: number, blockSize: number): number {
  return tokens <= 0 ? 0 : Math.ceil(tokens / blockSize);
}

export interface KvCapacityInput {
  /** Memory of one device, bytes. */
  memoryBytesPerDevice: number;
  /** Fraction of it the server may use (vLLM gpu_memory_utilization). */
  gpuMemoryUtilization: number;
  /** Weights held by one device, bytes. */
  weightBytesPerDevice: number;
  /** Activations, workspace and CUDA graphs of one device at the largest step, bytes. */
  activationReserveBytesPerDevice: number;
  /** KV bytes one token takes on one device. */
  kvBytesPerTokenPerDevice: number;
  blockSize: number;
}

/**
 * Blocks a replica has, as vLLM computes them at start-up: what is left of each device's
 * usable memory after the weights and the activation peak, in blocks (every device holds the
 * same share of each block, so one device's count is the replica's). 0 when nothing is left.
 */
export function kvBlockCount(x: KvCapacityInput): number {
  const free =
    x.memoryBytesPerDevice * x.gpuMemoryUtilization -
    x.weightBytesPerDevice -
    x.activationReserveBytesPerDevice;
  if (free <= 0) return 0;
  return Math.floor(free / (x.blockSize * x.kvBytesPerTokenPerDevice));
}

/** ESTIMATE: the fixed part of the activation reserve (see activationReserveEstimate). */
export const FIXED_ACTIVATION_RESERVE_BYTES = 2 ** 30;

/**
 * ESTIMATE of the activation peak vLLM's start-up profiling finds on one device, bytes: a fixed
 * 1 GiB (CUDA graphs, NCCL and cuBLAS workspaces; order of magnitude of what vLLM logs as
 * non-torch memory) plus, for a step of `maxBatchedTokens` tokens, the largest transient tensors
 * of one layer (the MLP's gate and up outputs, 2 x intermediate / t, plus four hidden-size
 * buffers) at `activationBytes` each, plus the logits of up to `maxSeqs` sampled positions in
 * float32.
 */
export function activationReserveEstimate(input: {
  maxBatchedTokens: number;
  maxSeqs: number;
  hiddenSize: number;
  intermediateSize: number;
  expertsActive: number;
  vocabSize: number;
  tensor: number;
  activationBytes: number;
}): number {
  const perToken =
    ((2 * input.intermediateSize * input.expertsActive) / input.tensor + 4 * input.hiddenSize) *
    input.activationBytes;
  const logits = (input.maxSeqs * input.vocabSize * 4) / input.tensor;
  return FIXED_ACTIVATION_RESERVE_BYTES + input.maxBatchedTokens * perToken + logits;
}

/**
 * A replica's pool of KV blocks, with the counts the invariants need: never more in use than
 * exist, and at the end everything allocated has been freed.
 */
export class KvBlockPool {
  private used = 0;
  /** Blocks handed out over the pool's life. */
  allocatedTotal = 0;
  /** Blocks given back over the pool's life. */
  freedTotal = 0;
  /** Most blocks in use at once. */
  peakInUse = 0;

  constructor(readonly total: number) {}

  get inUse(): number {
    return this.used;
  }

  get free(): number {
    return this.total - this.used;
  }

  /** Takes `n` blocks if that many are free; false (and nothing taken) otherwise. */
  tryAllocate(n: number): boolean {
    if (n <= 0) return true;
    if (this.used + n > this.total) return false;
    this.used += n;
    this.allocatedTotal += n;
    if (this.used > this.peakInUse) this.peakInUse = this.used;
    return true;
  }

  release(n: number): void {
    if (n <= 0) return;
    if (n > this.used) throw new Error(`releasing ${n} KV blocks but only ${this.used} are in use`);
    this.used -= n;
    this.freedTotal += n;
  }
}

/**
 * For requests decoding together, one token each per step (request i has `computed[i]` tokens
 * computed and holds `held[i]` blocks), how many steps run before one of them needs a block the
 * pool (`freeBlocks` free) no longer has: steps 0 .. k-1 get their blocks, step k would not.
 * At most `maxSteps` (the caller's horizon, e.g. until the first request finishes).
 *
 * For the fast replica's coalesced decode runs: step s gives request i its (computed + s + 1)-th
 * token, which needs blocksFor(computed + s + 1) blocks, so its first extra block is due at step
 * held x blockSize - computed and one more every blockSize steps; the blocks due by step s grow
 * with s, and the answer is found by bisection.
 */
export function decodeStepsBeforeBlockShortage(
  computed: ArrayLike<number>,
  held: ArrayLike<number>,
  freeBlocks: number,
  blockSize: number,
  maxSteps: number,
): number {
  const due = (s: number): number => {
    let total = 0;
    for (let i = 0; i < computed.length; i++) {
      const first = held[i]! * blockSize - computed[i]!;
      if (s >= first) total += Math.floor((s - first) / blockSize) + 1;
    }
    return total;
  };
  if (due(maxSteps - 1) <= freeBlocks) return maxSteps;
  // smallest s with due(s) > freeBlocks
  let lo = 0;
  let hi = maxSteps - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (due(mid) > freeBlocks) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Host link assumed when a profile gives none: PCIe Gen5 x16, 64 GB/s each way (PCI-SIG: 32 GT/s a lane). */
export const DEFAULT_HOST_LINK_GB_PER_S = 64;

/** vLLM's swap_space default: 4 GiB of host memory per accelerator for swapped-out KV blocks. */
export const VLLM_SWAP_SPACE_BYTES = 4 * 2 ** 30;
