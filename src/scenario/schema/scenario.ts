/** Raw schema of a scenario file, as written (snake_case). The resolver turns it into `Scenario`. */
import { z } from "zod";
import { parseStart } from "../start-time.js";
import { autoscalingSchema, poolScalingSchema } from "./autoscaling.js";
import {
  count,
  duration,
  fraction,
  id,
  inRange,
  LIMITS,
  money,
  name,
  nonNegative,
  positiveCount,
  tag,
  text,
  usdPerMtok,
} from "./fields.js";
import { scenarioModelSchema } from "./model.js";
import { planSchemaOf } from "./plan.js";
import { checkStepServing, stepServingShape } from "./step-serving.js";
import { workloadSchema } from "./workload.js";

const poolSchema = z.strictObject({
  id: id("Pool id"),
  profile: id("Hardware profile id (a file of hardware-profiles/ or of hardware_profiles:)"),
  region: id("Region of the pool. Default: default").default("default"),
  nodes: count("Nodes in the pool at the start", LIMITS.nodes),
  serves: z
    .array(
      z.strictObject({
        model: id("Model id"),
        nodes: count("Nodes given to replicas of this model", LIMITS.nodes),
      }),
    )
    .default([])
    .describe(
      "How the pool's nodes are split into model replicas; may add up to less than nodes (idle nodes)",
    ),
  reserved_for: id("Tenant id: only this tenant's work runs here. Default: open to every tenant")
    .nullable()
    .default(null),
  scaling: poolScalingSchema
    .nullable()
    .default(null)
    .describe("Nodes provisioned and released on demand (autoscaling). Default: the pool keeps its nodes"),
});

const changeSchema = z
  .strictObject({
    at: duration("When the change happens, from the scenario start"),
    pool: id("Pool id"),
    add_nodes: positiveCount("Nodes added (give this or remove_nodes)", LIMITS.nodes).optional(),
    remove_nodes: positiveCount(
      "Nodes removed after draining (give this or add_nodes)",
      LIMITS.nodes,
    ).optional(),
    model: id("Model the nodes serve. Default: the pool's only model").optional(),
  })
  .describe("A step of the build-out plan");

const contractSchema = z
  .strictObject({
    type: z
      .enum(["token", "capacity", "on_demand", "spot"])
      .default("token")
      .describe(
        "token: pays per token at model price * (1 - discount); capacity: node-hours of its reserved pools; on_demand: busy node-hours used; spot: the same at spot_discount, preemptible",
      ),
    discount: fraction("Discount off the list price (0..1). Default 0").default(0),
    committed_usd: money(
      "Committed spend over the horizon; a shortfall is billed. Default 0",
      LIMITS.committedUsd,
    ).default(0),
    sla: z
      .strictObject({
        target: fraction("Fraction of requests that must meet their SLO (0..1)"),
        credit: fraction("Fraction of the bill credited back when the target is missed (0..1)"),
      })
      .nullable()
      .default(null)
      .describe("Service-level agreement. Default: none"),
  })
  .describe("How the tenant pays");

const tenantSchema = z.strictObject({
  id: id("Tenant id"),
  kind: z.enum(["lab", "enterprise"]).default("enterprise").describe("lab or enterprise. Default enterprise"),
  contract: contractSchema.prefault({}),
  workloads: z.array(workloadSchema).default([]).describe("The tenant's streams of requests"),
});

const at = duration("When the event happens, from the scenario start (past the horizon: never)");
const eventSchema = z
  .discriminatedUnion("type", [
    z.strictObject({
      at,
      type: tag("tenant_shift", "A fraction of the tenant's load leaves"),
      tenant: id("Tenant id"),
      fraction: fraction("Fraction of its load that leaves (0..1)"),
    }),
    z.strictObject({
      at,
      type: tag("model_outage", "Every replica of the model is down; fallback applies"),
      model: id("Model id"),
      duration: duration("How long it lasts"),
    }),
    z.strictObject({
      at,
      type: tag("pool_outage", "Part of a pool is down"),
      pool: id("Pool id"),
      duration: duration("How long it lasts"),
      fraction: fraction("Fraction of the pool's nodes down (0..1). Default 1").default(1),
    }),
    z.strictObject({
      at,
      type: tag("price_change", "New list price of a model (give at least one price)"),
      model: id("Model id"),
      input_usd_per_mtok: usdPerMtok("New price of prompt tokens").optional(),
      output_usd_per_mtok: usdPerMtok("New price of generated tokens").optional(),
    }),
    z.strictObject({
      at,
      type: tag("demand_change", "Multiplies the tenant's load"),
      tenant: id("Tenant id"),
      factor: nonNegative("Multiplier of the load from then on (1.5 = +50 %)", LIMITS.factor),
    }),
  ])
  .describe("A timeline event");

const modelRoutingSchema = z
  .strictObject({
    model: id("Model whose requests this entry splits over pools"),
    shares: z
      .record(id("Pool id, or a pool kind (gpu, maia, cobalt)"), fraction("Share of the model's requests"))
      .optional()
      .describe(
        "routing weighted: share of the model's requests per pool id or pool kind, summing to 1. Drawn per request; within the chosen pool scheduler.routing picks the replica",
      ),
    by_prompt_length: z
      .strictObject({
        threshold: positiveCount(
          "Prompt tokens: prompts longer than this go to the long pool",
          LIMITS.tokens,
        ),
        short: id("Pool id or pool kind for prompts of at most threshold tokens"),
        long: id("Pool id or pool kind for prompts above threshold tokens"),
      })
      .optional()
      .describe("Routes by prompt length: prompts above threshold to `long`, the others to `short`"),
  })
  .describe("Pool shares or length-based routing for one model (give shares or by_prompt_length)");

const prefixAffinitySchema = z
  .strictObject({
    cache_threshold: fraction(
      "Share of the prompt the best-matching replica's prefix must exceed for the request to go there; else it goes to the replica whose index holds the fewest tokens. Default 0.3 (SGLang's cache_threshold)",
    ).default(0.3),
    balance_abs_threshold: count(
      "Loads (requests held plus queued) count as imbalanced, and the request goes to the least loaded replica, when the largest exceeds the smallest by more than this AND by more than balance_rel_threshold times. Default 64 (SGLang's balance_abs_threshold)",
      LIMITS.queuePerReplica,
    ).default(64),
    balance_rel_threshold: inRange(
      "See balance_abs_threshold. Default 1.5 (SGLang's balance_rel_threshold)",
      1,
      1e6,
    ).default(1.5),
    index_tokens: positiveCount(
      "Prefix tokens the router remembers per replica (least recently routed forgotten first). Default: the replica's KV cache (KV blocks x block_size)",
      LIMITS.queuePerReplica,
    )
      .nullable()
      .default(null),
  })
  .describe("routing: prefix_affinity's tuning (SGLang's cache-aware load balancer)");

const kvAwareSchema = z
  .strictObject({
    overlap_weight: nonNegative(
      "Weight of the prefill term (prompt tokens still to compute on the replica, this request's uncached ones included, in blocks) against the decode term (KV blocks in use or due there): cost = overlap_weight x prefill blocks + decode blocks, lowest wins. 0 ignores the caches (pure KV-load balancing). Default 1 (Dynamo's overlap_score_weight)",
      1e6,
    ).default(1),
    temperature: nonNegative(
      "0: the lowest cost always wins (ties to the first replica in class order). Above 0: a replica is drawn with probability proportional to exp(-cost / (cost range x temperature)), from the run's seeded router stream. Default 0 (Dynamo's router_temperature)",
      1e6,
    ).default(0),
  })
  .describe("routing: kv_aware's tuning (NVIDIA Dynamo's KV-aware router)");

const schedulerSchema = z
  .strictObject({
    routing: z
      .enum([
        "shared_queue",
        "round_robin",
        "least_loaded",
        "power_of_two",
        "cost_aware",
        "slo_aware",
        "prefix_affinity",
        "kv_aware",
      ])
      .default("least_loaded")
      .describe(
        "How a request picks a replica. prefix_affinity: to the replica the router sent most of the prompt's prefix to, unless loads are imbalanced (then least loaded), as SGLang's cache-aware router; needs prefill: chunked. kv_aware: to the replica of lowest cost = overlap_weight x prompt blocks still to compute there (its cache's actual hits deducted) + KV blocks in use or due there, as NVIDIA Dynamo's KV router; needs prefill: chunked. Default least_loaded",
      ),
    prefix_affinity: prefixAffinitySchema.prefault({}),
    kv_aware: kvAwareSchema.prefault({}),
    model_routing: z
      .array(modelRoutingSchema)
      .default([])
      .describe(
        "Per model: which pool a request goes to (shares per pool or pool kind, or by prompt length); routing then picks the replica within it. Default: none (all the model's pools alike)",
      ),
    max_queue_per_replica: count(
      "Queue length per replica beyond which requests are rejected. Default 1000",
      LIMITS.queuePerReplica,
    ).default(1000),
    batching: z.enum(["continuous", "static"]).default("continuous").describe("Default continuous"),
    max_batch: positiveCount(
      "Cap on the batch size on top of the profile/KV limit. Default: no cap",
      LIMITS.batch,
    )
      .nullable()
      .default(null),
    prefill: z
      .enum(["pause", "chunked"])
      .optional()
      .describe(
        "How prefill shares a replica: chunked (vLLM V1: step-level service, prompts cut to a token budget and sharing steps with decodes, paged KV blocks, preemption) or pause (the batch waits while a prompt is prefilled, vLLM V0 and Orca style). Default chunked; pause under static batching. A pool whose profile has a measured table for the model serves it as measured (pause)",
      ),
    ...stepServingShape,
  })
  .superRefine((v, ctx) => {
    checkStepServing(v, ctx);
    const pause = v.prefill === "pause" || (v.prefill === undefined && v.batching === "static");
    /** A step-level option in use under prefill: pause (given, or implied by static batching). */
    const needsChunked = (inUse: boolean, field: string, what: string, why: string) => {
      if (inUse && pause) {
        ctx.addIssue({ code: "custom", path: [field], message: `${what} needs prefill: chunked (${why})` });
      }
    };
    needsChunked(
      v.routing === "prefix_affinity",
      "routing",
      "prefix_affinity",
      "under prefill: pause replicas keep no prefix cache to route to",
    );
    needsChunked(
      v.routing === "kv_aware",
      "routing",
      "kv_aware",
      "under prefill: pause replicas keep no prefix cache and no KV blocks to route by",
    );
    if (v.prefill === "chunked" && v.batching === "static") {
      ctx.addIssue({
        code: "custom",
        path: ["prefill"],
        message: "prefill: chunked needs batching: continuous (step-level service is continuous batching)",
      });
    }
    needsChunked(
      v.long_prefill_token_threshold > 0,
      "long_prefill_token_threshold",
      "long_prefill_token_threshold",
      "under prefill: pause a prompt is prefilled whole in one step",
    );
    needsChunked(
      v.preemption === "swap",
      "preemption",
      "preemption: swap",
      "under prefill: pause a replica reserves each request's KV memory at admission and never preempts",
    );
  })
  .describe("Routing and batching");

const billingSchema = z
  .strictObject({
    energy_usd_per_kwh: money("Price of energy, USD per kWh. Default 0.08", LIMITS.energyUsdPerKwh).default(
      0.08,
    ),
    pue: inRange("Power usage effectiveness of the datacenter (1..3). Default 1.2", ...LIMITS.pue).default(
      1.2,
    ),
    amortization_years: inRange(
      "Years over which capex_usd is amortised. Default 5",
      ...LIMITS.amortizationYears,
    ).default(5),
    spot_discount: fraction("Discount of spot node-hours (0..1). Default 0.6").default(0.6),
  })
  .describe("Cost model");

const hybridWindowSchema = z
  .strictObject({
    at: duration("Start of one window, from the scenario start (give at or every)").optional(),
    every: duration("A window repeating with this period (give at or every)", { positive: true }).optional(),
    offset: duration("Start of the first repeating window, from the scenario start. Default 0").optional(),
    duration: duration("Length of the window", { positive: true }),
  })
  .describe("A span run request by request: { at, duration } or { every, offset, duration }");

const fluidSchema = z
  .strictObject({
    step: duration("Time step of the fluid model. Default 1m", { positive: true }).prefault("1m"),
    windows: z
      .array(hybridWindowSchema)
      .default([])
      .describe(
        "fidelity hybrid: spans simulated request by request inside the fluid run (aligned to report_interval); latency percentiles come from these spans only",
      ),
  })
  .describe("Settings of the fluid fidelity (docs/fluid-mode.md)");

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().describe("JSON Schema of this file (for editors); ignored").optional(),
    name: name("Scenario name, used in output rows and the default output folder"),
    description: z.string().default("").describe("Free text"),
    seed: count("Seed every random stream derives from. Default 1", LIMITS.seed).default(1),
    start: z
      .string()
      .transform((text, ctx) => {
        const ms = parseStart(text);
        if (typeof ms === "number") return ms;
        ctx.addIssue({ code: "custom", message: ms });
        return z.NEVER;
      })
      .prefault("2025-01-01T00:00:00Z")
      .describe("Scenario start, ISO-8601 UTC (ends in Z or +00:00). Default 2025-01-01T00:00:00Z"),
    horizon: duration("Simulated time", { positive: true, max: LIMITS.horizonS }),
    report_interval: duration("Bucket of every time-series output. Default 1h", { positive: true }).prefault(
      "1h",
    ),
    fidelity: z
      .enum(["request", "fluid", "hybrid"])
      .default("request")
      .describe(
        "request: every request simulated; fluid: time-stepped rates for long horizons; hybrid: fluid except the fluid.windows, run request by request. Default request",
      ),
    fluid: fluidSchema.prefault({}),
    hardware_profiles: z
      .array(text("Folder of profile files or one profile file, relative to the scenario file"))
      .default([])
      .describe("Extra hardware profiles; the shipped ones are always found"),
    regions: z
      .array(id("Region name"))
      .default([])
      .describe("When given, every pool and workload region must be one of them"),
    models: z
      .array(scenarioModelSchema)
      .default([])
      .describe("Models used; catalog models referenced anywhere are included without being listed"),
    fleet: z
      .strictObject({
        pools: z.array(poolSchema).min(1).describe("Node pools"),
        changes: z.array(changeSchema).default([]).describe("Capacity changes over time"),
      })
      .describe("The hardware"),
    tenants: z.array(tenantSchema).default([]).describe("Customers and their workloads"),
    events: z.array(eventSchema).default([]).describe("What-if timeline"),
    scheduler: schedulerSchema.prefault({}),
    autoscaling: autoscalingSchema
      .nullable()
      .default(null)
      .describe("Replicas that follow demand and switch models (docs/autoscaling.md). Default: none"),
    billing: billingSchema.prefault({}),
    plan: planSchemaOf(eventSchema)
      .nullable()
      .default(null)
      .describe(
        "What `fleetsim plan` may change and must meet (docs/planner.md). Ignored by run, sweep and compare",
      ),
  })
  .describe("A fleetsim scenario");

export type RawScenario = z.output<typeof scenarioSchema>;
export type RawPool = RawScenario["fleet"]["pools"][number];
export type RawTenant = RawScenario["tenants"][number];
export type RawEvent = RawScenario["events"][number];
export type RawPlan = NonNullable<RawScenario["plan"]>;
