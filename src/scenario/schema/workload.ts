/** Raw schema of a tenant's workload: arrival process, token distributions, SLO, fallback. */
import { z } from "zod";
import { duration, id, inRange, LIMITS, nonNegative, positive, positiveCount, tag, text } from "./fields.js";

const tokens = (description: string) => positive(description, LIMITS.tokens);
const cap = z
  .number()
  .min(1)
  .max(LIMITS.tokens)
  .describe("Optional cap on drawn values (tokens); values are rounded to whole tokens, at least 1")
  .optional();

export const tokenDistSchema = z
  .discriminatedUnion("dist", [
    z.strictObject({ dist: tag("constant", "Always the same count"), value: tokens("Tokens"), max: cap }),
    z.strictObject({ dist: tag("exponential", "Exponential"), mean: tokens("Mean tokens"), max: cap }),
    z.strictObject({
      dist: tag("lognormal", "Lognormal given by its median and 90th percentile"),
      median: tokens("Median tokens"),
      p90: tokens(
        `90th percentile, tokens (must be > median, and at most ${LIMITS.lognormalSpread} x median)`,
      ),
      max: cap,
    }),
    z.strictObject({
      dist: tag("uniform", "Uniform between min and max"),
      min: nonNegative("Lowest tokens", LIMITS.tokens),
      max: tokens("Highest tokens (must be >= min)"),
    }),
    z.strictObject({
      dist: tag("empirical", "Samples a column of a CSV file"),
      file: text("CSV file, relative to the scenario file"),
      column: text("Column (header name) to sample"),
      max: cap,
    }),
  ])
  .describe("Token count distribution");

const diurnalSchema = z
  .strictObject({
    peak_to_trough: inRange("Ratio of the daily peak rate to the trough rate (>= 1)", 1, LIMITS.factor),
    peak_hour_utc: z.number().min(0).max(24).describe("Hour of the daily peak, UTC (0..24)"),
  })
  .describe("Optional daily cycle of the rate (mean rate stays rate_per_s)");

const rateFields = {
  rate_per_s: nonNegative("Mean arrivals per second", LIMITS.ratePerS),
  diurnal: diurnalSchema.nullable().optional(),
  growth_per_month: z
    .number()
    .gt(-1)
    .max(LIMITS.growthPerMonth)
    .default(0)
    .describe("Compound growth of the rate per 30-day month (0.05 = +5 %/month; > -1)"),
};

export const arrivalSchema = z
  .discriminatedUnion("process", [
    z.strictObject({ process: tag("poisson", "Poisson arrivals"), ...rateFields }),
    z.strictObject({ process: tag("constant", "Evenly spaced arrivals"), ...rateFields }),
    z.strictObject({
      process: tag("mmpp", "Bursty on/off (Markov-modulated Poisson): rate_per_s while on, none while off"),
      ...rateFields,
      rate_per_s: nonNegative("Arrivals per second while on", LIMITS.ratePerS),
      on_mean: duration("Mean length of an on period", { positive: true, min: LIMITS.minOnOffS }),
      off_mean: duration("Mean length of an off period", { positive: true, min: LIMITS.minOnOffS }),
    }),
    z.strictObject({
      process: tag(
        "trace",
        "Replays a CSV or JSONL trace; its first row lands at the scenario start + offset",
      ),
      file: text("Trace file, relative to the scenario file"),
      format: z.enum(["csv", "jsonl"]).describe("Default: jsonl for a .jsonl file, else csv").optional(),
      timestamp_column: text("Default: TIMESTAMP (csv), timestamp (jsonl)").optional(),
      prompt_column: text("Default: ContextTokens (csv), input_length (jsonl)").optional(),
      output_column: text("Default: GeneratedTokens (csv), output_length (jsonl)").optional(),
      timestamp_unit: z
        .enum(["datetime", "s", "ms"])
        .describe(
          "How timestamps read: datetime text, seconds or milliseconds. Default: datetime (csv), ms (jsonl)",
        )
        .optional(),
      time_scale: inRange("Multiplies trace time (2 = half as fast). Default 1", ...LIMITS.timeScale).default(
        1,
      ),
      loop: z.boolean().default(false).describe("Repeat the trace to fill the horizon. Default false"),
      offset: duration("Where the trace's first row lands after the scenario start. Default 0").prefault(0),
      prefix_column: text(
        "JSON key of a row's prefix-block hash ids (a list of whole numbers, each naming one block of prefix_block_tokens tokens and everything before it, as Mooncake's hash_ids); rows without it share nothing. Default: hash_ids (jsonl only)",
      ).optional(),
      prefix_block_tokens: positiveCount(
        "Tokens each hash id of prefix_column covers. Default 512 (Mooncake's block)",
        LIMITS.prefixBlockTokens,
      ).default(512),
    }),
  ])
  .describe("How requests arrive");

export const workloadSchema = z.strictObject({
  id: id(
    "Stable id within the tenant (seeds its random stream). Default: its position, 0, 1, ...",
  ).optional(),
  model: id("Model requested"),
  region: id("Work only runs in this region (data residency). Default: any region").nullable().optional(),
  arrival: arrivalSchema,
  prompt_tokens: tokenDistSchema.optional().describe("Prompt tokens per request (absent for a trace)"),
  output_tokens: tokenDistSchema.optional().describe("Generated tokens per request (absent for a trace)"),
  prefix: z
    .strictObject({
      tokens: positiveCount(
        "Tokens of the shared prefix at the start of every prompt (a prompt shorter than it is all prefix)",
        LIMITS.tokens,
      ),
      groups: positiveCount(
        "Distinct prefixes: each request belongs to one, drawn uniformly from a seeded stream. 1 (default): one prefix shared by every request, a fixed system prompt",
        LIMITS.prefixGroups,
      ).default(1),
    })
    .nullable()
    .optional()
    .describe(
      "Shared prompt prefix, reused from the KV cache by step replicas (prefix caching). Not for a trace workload (its prefix_column gives one). Default: none",
    ),
  slo: z
    .strictObject({
      ttft_s: positive("Time to first token target, seconds", LIMITS.ttftS),
      tpot_ms: positive("Time per output token target, milliseconds", LIMITS.tpotMs),
    })
    .nullable()
    .optional()
    .describe("A request meets its SLO when both hold. Default: none"),
  fallback: z
    .array(id("Model id"))
    .default([])
    .describe("Models tried in order when the model has no live replica or rejects"),
});

export type RawWorkload = z.output<typeof workloadSchema>;
export type RawTokenDist = z.output<typeof tokenDistSchema>;
export type RawArrival = z.output<typeof arrivalSchema>;
