/**
 * Raw schema of a scenario's `plan:` section: what `fleetsim plan` may change (node counts of
 * pools, per model, and new pools), what it must meet (SLO targets, outages to survive, caps) and
 * what it minimises. Read only by the planner; `run` ignores it.
 */
import { z } from "zod";
import { count, fraction, id, LIMITS, money, positive, positiveCount } from "./fields.js";

const nodeRange = z
  .strictObject({
    min: count("Fewest nodes. Default 0", LIMITS.nodes).default(0),
    max: count("Most nodes", LIMITS.nodes).optional(),
    step: positiveCount("Node counts go up in steps of this many from min. Default 1", LIMITS.nodes).default(
      1,
    ),
  })
  .describe("A range of node counts");

const planModelSchema = z
  .strictObject({
    model: id("Model id"),
    min: count("Fewest nodes serving the model. Default 0", LIMITS.nodes).default(0),
    max: count(
      "Most nodes serving the model. Default: the pool's nodes.max (existing pools: twice its nodes today, at least 4)",
      LIMITS.nodes,
    ).optional(),
    step: positiveCount("Counts go up in steps of this many from min. Default 1", LIMITS.nodes).default(1),
  })
  .describe("How many of the pool's nodes may serve one model");

const planPoolSchema = z
  .strictObject({
    pool: id("A pool of fleet.pools, or the id of a new pool (then give profile and region)"),
    profile: id("New pools: hardware profile id").optional(),
    region: id("New pools: region. Default: default").optional(),
    nodes: nodeRange.optional().describe("Bounds of the pool's total nodes (the sum over its models)"),
    models: z
      .array(planModelSchema)
      .optional()
      .describe("The models the pool may serve and their node ranges. Default (existing pools): its serves"),
  })
  .describe("A pool the planner may size");

/** A grid of values: a list, or min, max and step. */
const grid = <T extends z.ZodNumber>(value: T, what: string) => ({
  values: z.array(value).min(1).optional().describe(`The ${what} to try (or give min, max and step)`),
  min: value.optional().describe(`Smallest ${what} (with max and step)`),
  max: value.optional().describe(`Largest ${what} (with min and step)`),
  step: value.optional().describe(`Step from min to max`),
});

const planRoutingSchema = z
  .strictObject({
    model: id("Model whose scheduler.model_routing the planner chooses"),
    shares: z
      .strictObject({
        pool: id("Pool id or pool kind (gpu, maia, cobalt) whose share is searched"),
        rest: id("Pool id or pool kind that takes the rest of the model's requests (1 - share)"),
        ...grid(fraction("A share of the model's requests, 0 to 1"), "shares of `pool`"),
      })
      .optional()
      .describe("Search the share of the model's requests sent to `pool` (the rest to `rest`)"),
    by_prompt_length: z
      .strictObject({
        short: id("Pool id or pool kind for prompts of at most threshold tokens"),
        long: id("Pool id or pool kind for prompts above threshold tokens"),
        ...grid(positiveCount("A threshold, prompt tokens", LIMITS.tokens), "thresholds"),
      })
      .optional()
      .describe("Search the prompt-length threshold above which prompts go to `long`"),
  })
  .describe(
    "A model's pool shares or length threshold as a decision variable (give shares or by_prompt_length); the chosen value is written to plan.yaml's scheduler.model_routing",
  );

const sloTarget = z
  .strictObject({
    tenant: id("Tenant id"),
    model: id("Requested model. Default: the tenant's only model").optional(),
    ttft_p99_s: positive("Target of the p99 time to first token, seconds", LIMITS.durationS).optional(),
    tpot_p99_ms: positive("Target of the p99 time per output token, ms", 1e9).optional(),
    attainment: fraction("Least share of requests meeting their workload's slo").optional(),
  })
  .describe("Targets of one tenant x requested model (default: its workloads' slo)");

export const planSchemaOf = <E extends z.ZodType>(eventSchema: E) =>
  z
    .strictObject({
      objective: z
        .enum(["cost", "margin"])
        .default("cost")
        .describe("cost: least infrastructure cost; margin: most revenue minus cost. Default cost"),
      pools: z
        .array(planPoolSchema)
        .min(1)
        .describe("The decision variables; pools not listed keep their nodes"),
      model_routing: z
        .array(planRoutingSchema)
        .default([])
        .describe(
          "Pool shares or prompt-length thresholds searched with the node counts; each replaces the model's scheduler.model_routing while planning",
        ),
      slo: z.array(sloTarget).default([]).describe("SLO targets besides the workloads' own"),
      attainment: fraction("Least SLO attainment of every tenant x model with an slo. Default 0.99").default(
        0.99,
      ),
      survive: z
        .strictObject({
          events: z
            .array(eventSchema)
            .default([])
            .describe(
              "Outages (or other events) the fleet must meet every target through, added to the scenario's events while planning",
            ),
          any_node: z
            .boolean()
            .default(false)
            .describe(
              "Every target met with any one node of any pool down for the whole horizon. Default false",
            ),
        })
        .prefault({})
        .describe("Outages to survive"),
      caps: z
        .strictObject({
          nodes: count("Most nodes in the whole fleet", LIMITS.nodes).optional(),
          nodes_per_region: z
            .record(z.string(), count("Most nodes in the region", LIMITS.nodes))
            .default({})
            .describe("Most nodes per region"),
          power_kw_per_region: z
            .record(z.string(), positive("Most peak power of the region's nodes, kW", LIMITS.powerW))
            .default({})
            .describe("Most peak power (the nodes' peak draw, PUE not included) per region"),
          budget_usd: money("Most infrastructure cost over the horizon", LIMITS.committedUsd).optional(),
        })
        .prefault({})
        .describe("Optional caps"),
      seeds: positiveCount("Seeds each confirmation runs (--seeds overrides). Default 3", 100).default(3),
    })
    .describe("The capacity planner's question");
