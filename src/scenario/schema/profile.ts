/** Raw schema of a hardware-profile file (one node type). */
import { z } from "zod";
import { id, inRange, LIMITS, money, nonNegative, positive, positiveCount, text } from "./fields.js";

const efficiencyFraction = (description: string) => z.number().gt(0).max(1).describe(description);

const stepMs = (description: string) => positive(description, LIMITS.stepMs);
const axis = (description: string, max: number) =>
  z.array(positive(description, max)).min(2).describe(`${description}: at least 2, strictly increasing`);

const performanceSchema = z.strictObject({
  model: id("Model id"),
  prefill_tokens_per_s: inRange("Prompt tokens per second per replica", ...LIMITS.tokensPerS)
    .optional()
    .describe("Prompt tokens per second per replica (batch-only table, with decode_tokens_per_s)"),
  decode_tokens_per_s: z
    .record(z.string(), inRange("Total decode tokens/s per replica over the batch", ...LIMITS.tokensPerS))
    .optional()
    .describe(
      "Batch size (positive integer) -> total decode tokens/s per replica (batch-only table, served with prefill: pause)",
    ),
  decode_step_ms: z
    .strictObject({
      batch: axis("Batch sizes (decoding requests in the step)", LIMITS.batch),
      context: axis("Context lengths (tokens cached per decoding request)", LIMITS.contextTokens),
      ms: z
        .array(z.array(stepMs("Milliseconds of one decode step")))
        .describe("One row per batch size, one value per context length"),
    })
    .optional()
    .describe(
      "Decode step time by batch size and context length (step table, with prefill_step_ms; served by the step replica)",
    ),
  prefill_step_ms: z
    .strictObject({
      tokens: axis("Prompt tokens in the step (chunk size)", LIMITS.contextTokens),
      ms: z.array(stepMs("Milliseconds of one prefill step")).describe("One value per chunk size"),
    })
    .optional()
    .describe("Prefill step time by chunk size (step table, with decode_step_ms)"),
  max_batch: positiveCount("Largest batch measured or allowed", LIMITS.batch).optional(),
});

export const profileSchema = z.strictObject({
  id: id("Profile id, referenced by pools"),
  kind: z.enum(["gpu", "maia", "cobalt"]).describe("gpu | maia | cobalt (CPU)"),
  accelerator: text("Accelerator model, e.g. H100-SXM-80GB"),
  accelerators_per_node: positiveCount(
    "Accelerators per node (CPU node: sockets)",
    LIMITS.acceleratorsPerNode,
  ),
  memory_gb_per_accelerator: positive(
    "Memory per accelerator as the datasheet gives it, GB; memory sizes are binary, so counted as GiB (2^30 bytes)",
    LIMITS.memoryGb,
  ),
  memory_bandwidth_tb_per_s: inRange("Memory bandwidth per accelerator, TB/s", ...LIMITS.bandwidthTbPerS),
  peak_tflops: inRange(
    "Dense peak TFLOPS per accelerator at the low precision 1-byte weights use (FP8, MX), or at BF16 where there is none",
    ...LIMITS.peakTflops,
  ),
  peak_tflops_bf16: inRange(
    "Dense peak TFLOPS per accelerator at BF16: the step model's GEMMs of 2-byte models and its attention math. Default: peak_tflops",
    ...LIMITS.peakTflops,
  ).optional(),
  efficiency: z
    .strictObject({
      compute: efficiencyFraction("Achievable fraction of peak compute (0..1]. Default 0.5").default(0.5),
      memory: efficiencyFraction("Achievable fraction of peak bandwidth (0..1]. Default 0.7").default(0.7),
    })
    .prefault({})
    .describe("Used by the roofline estimate"),
  power_w: z
    .strictObject({
      idle: nonNegative("Idle power, W", LIMITS.powerW),
      peak: positive("Peak power, W (>= idle)", LIMITS.powerW),
      accelerator: z
        .strictObject({
          idle: nonNegative("One accelerator's idle power, W", LIMITS.powerW),
          peak: positive("One accelerator's peak power (its TDP/TGP), W", LIMITS.powerW),
        })
        .optional()
        .describe(
          "Per accelerator: the node's other power (host CPUs, memory, NICs, fans) is the rest of idle and peak",
        ),
    })
    .describe("Whole-node power, and optionally the accelerators' share of it"),
  capex_usd: money("Whole-node purchase cost, USD", LIMITS.capexUsd),
  opex_usd_per_hour: money("Whole-node running cost besides energy, USD/hour", LIMITS.usdPerHour),
  price_usd_per_hour: money("List price of renting the node, USD/hour", LIMITS.usdPerHour),
  sources: z.array(text("A source")).min(1).describe("Where each figure comes from (required)"),
  interconnect: z
    .strictObject({
      kind: text("nvlink4 | nvlink5 | pcie5 | ethernet ..."),
      bandwidth_gb_per_s: positive(
        "Bandwidth one accelerator sends in ONE direction, GB/s (NVLink 4: 900 GB/s total = 450 each way)",
        LIMITS.linkGbPerS,
      ),
      latency_us: nonNegative("Latency of one hop, microseconds", LIMITS.linkLatencyUs),
    })
    .optional()
    .describe(
      "Accelerator-to-accelerator link inside a node (step model: tensor/expert parallel collectives)",
    ),
  step_overhead_ms: nonNegative(
    "Fixed time of every serving step, ms (scheduler, input preparation, sampling). Step model only",
    LIMITS.stepOverheadMs,
  ).optional(),
  weight_load_gb_per_s: positive(
    "Rate a replica reads a model's weights when it starts or switches model, GB/s (storage to accelerator memory). Default 8, an estimate",
    LIMITS.linkGbPerS,
  ).optional(),
  host_link_gb_per_s: positive(
    "Bandwidth between one accelerator and its host's memory, GB/s in ONE direction: what swap preemption copies KV blocks over (PCIe Gen5 x16: 64). Default 64",
    LIMITS.linkGbPerS,
  ).optional(),
  startup_s: nonNegative(
    "Fixed time a serving engine takes to start besides reading weights, s (memory profiling, graph capture). Default 30, an estimate",
    LIMITS.startupS,
  ).optional(),
  performance: z.array(performanceSchema).default([]).describe("Measured figures per model"),
  notes: z.string().optional(),
  description: z.string().optional(),
  figure_sources: z.record(z.string(), z.string()).optional().describe("Field name -> its source"),
});

export type RawProfile = z.output<typeof profileSchema>;
