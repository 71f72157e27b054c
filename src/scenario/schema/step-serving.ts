/**
 * The step-level serving options of a replica (vLLM's engine arguments), as written in a
 * scenario's `scheduler` section. `fleetsim calibrate` checks its flags of the same names with the
 * same rules, so a server configuration means one thing in both places.
 */
import { z } from "zod";
import { count, LIMITS, nonNegative, positiveCount } from "./fields.js";

export const stepServingShape = {
  max_num_batched_tokens: positiveCount(
    "chunked: tokens one step may compute (vLLM max_num_batched_tokens). Default: vLLM's for the pool's hardware, 8192 on accelerators of 70 GiB or more other than the A100 (H100, H200, GB200), 2048 on the others (A100, Maia 100), 2048 per CPU of a replica (Cobalt)",
    LIMITS.batchedTokens,
  ).optional(),
  max_num_seqs: positiveCount(
    "chunked: requests running at once on a replica (vLLM max_num_seqs; at most max_num_batched_tokens). Default: vLLM's for the pool's hardware, 1024 where max_num_batched_tokens defaults to 8192, 256 on the other accelerators, 128 per CPU of a replica; at most max_num_batched_tokens",
    LIMITS.batch,
  ).optional(),
  block_size: positiveCount("chunked: tokens per KV block (vLLM block_size). Default 16", 1024).default(16),
  gpu_memory_utilization: z
    .number()
    .gt(0)
    .max(1)
    .default(0.9)
    .describe(
      "chunked: fraction of each accelerator's memory the server may use for weights, activations and KV blocks (vLLM gpu_memory_utilization). Default 0.9",
    ),
  preemption: z
    .enum(["recompute", "swap"])
    .optional()
    .describe(
      "chunked: what a request preempted for lack of KV blocks loses: recompute (its blocks are freed and its prompt and tokens computed again, vLLM's default) or swap (its blocks are copied to host memory and back over the host link, vLLM V0's preemption_mode swap; 4 GiB of host memory per accelerator, as vLLM's swap_space). Default recompute",
    ),
  swap_space_gb: nonNegative(
    "chunked, preemption: swap: host memory per accelerator for swapped-out KV blocks, GiB (vLLM's --swap-space). Default 4",
    LIMITS.memoryGb,
  ).optional(),
  long_prefill_token_threshold: count(
    "chunked: most prompt tokens one request computes in a step (vLLM's long_prefill_token_threshold): a longer prompt is spread over more steps, leaving budget to the requests after it. 0 = no cap beyond max_num_batched_tokens (vLLM V1's default). Default 0",
    LIMITS.batchedTokens,
  ).default(0),
};

type StepServingFields = {
  max_num_batched_tokens?: number;
  max_num_seqs?: number;
  swap_space_gb?: number;
  preemption?: "recompute" | "swap";
};

/** The rules between the options (each issue at the field it names). */
export function checkStepServing(v: StepServingFields, ctx: z.RefinementCtx): void {
  // given alone, each is checked against the other's default for each pool (contract/topology.ts)
  if (
    v.max_num_seqs !== undefined &&
    v.max_num_batched_tokens !== undefined &&
    v.max_num_seqs > v.max_num_batched_tokens
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["max_num_seqs"],
      message: `max_num_seqs (${v.max_num_seqs}) must not exceed max_num_batched_tokens (${v.max_num_batched_tokens}): every running request decodes one token a step`,
    });
  }
  if (v.swap_space_gb !== undefined && v.preemption !== "swap") {
    ctx.addIssue({
      code: "custom",
      path: ["swap_space_gb"],
      message:
        "swap_space_gb applies only with preemption: swap (a recomputed request keeps nothing in host memory)",
    });
  }
}

/** The options alone (calibrate's flags), with their rules. */
export const stepServingSchema = z.strictObject(stepServingShape).superRefine(checkStepServing);
