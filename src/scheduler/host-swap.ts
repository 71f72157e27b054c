/**
 * The host memory of a step replica under swap preemption (scheduler.preemption: swap): the blocks
 * swapped-out requests hold there (at most vLLM's swap_space), and the copies the step being decided
 * makes over the host link, whose time that step pays (docs/service-model.md "Swap").
 */

import { DEFAULT_HOST_LINK_GB_PER_S } from "../fleet/kv-blocks.js";
import type { StepServing } from "../fleet/step-curve.js";

export class HostSwap {
  /** scheduler.preemption is swap (else every victim is recomputed). */
  readonly enabled: boolean;
  /** Blocks host memory holds (vLLM num_cpu_blocks). */
  readonly capacity: number;
  /** Blocks held there now. */
  used = 0;
  /** Preemptions that swapped their victim out, over the replica's life. */
  total = 0;
  /** Blocks copied out or in by the step being decided. */
  stepBlocks = 0;
  /** Seconds to copy one block one way: every accelerator copies its share over its own link. */
  private readonly secondsPerBlock: number;

  constructor(serving: StepServing) {
    this.enabled = serving.preemption === "swap";
    this.capacity = serving.hostKvBlocks ?? Number.POSITIVE_INFINITY;
    this.secondsPerBlock =
      (serving.blockSize * serving.stepModel.kvBytesPerTokenPerDevice()) /
      (serving.swapBandwidthBytesPerS ?? DEFAULT_HOST_LINK_GB_PER_S * 1e9);
  }

  /** A victim gives up `blocks`: true if they are copied out (swap on, room left), else it is recomputed. */
  out(blocks: number): boolean {
    if (!this.enabled || this.used + blocks > this.capacity) return false;
    this.used += blocks;
    this.stepBlocks += blocks;
    this.total++;
    return true;
  }

  /** A swapped-out request is admitted again: its blocks are copied back in. */
  in(blocks: number): void {
    this.used -= blocks;
    this.stepBlocks += blocks;
  }

  /** Seconds the copies of the step being decided take (one after the other, before it computes). */
  stepSeconds(): number {
    return this.stepBlocks * this.secondsPerBlock;
  }
}
