/** Raw schema of the `autoscaling:` section and of a pool's `scaling:` (node provisioning). */
import { z } from "zod";
import { count, duration, fraction, id, inRange, LIMITS, positive } from "./fields.js";

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

const reactiveSchema = z
  .strictObject({
    metric: z
      .enum(["utilization", "queue", "kv", "ttft", "busy"])
      .describe(
        "What the autoscaler watches: utilization (requests finished per second since the last decision / what the replicas in service sustain saturated), queue (requests waiting per replica in service), kv (mean fraction of KV memory in use), ttft (p99 TTFT of the requests finished since the last decision / the model's tightest SLO), busy (fraction of replicas holding work)",
      ),
    scale_up_above: positive("Add replicas when the metric is above this", LIMITS.factor),
    scale_down_below: inRange("Remove one replica when the metric is below this", 0, LIMITS.factor),
  })
  .refine((v) => v.scale_down_below < v.scale_up_above, {
    path: ["scale_down_below"],
    error: "must be below scale_up_above (the band between them is where nothing changes)",
  })
  .describe("Scale on what a real autoscaler observes now");

const scheduledSchema = z
  .array(
    z.strictObject({
      from: z
        .string()
        .refine((v) => TIME_OF_DAY.test(v), {
          error: (iss) => `must be a time of day HH:MM (UTC), e.g. 08:30, got ${JSON.stringify(iss.input)}`,
        })
        .describe("Time of day (UTC, HH:MM) from which the count applies"),
      replicas: count("Replicas of each of the policy's models from then on", LIMITS.nodes),
    }),
  )
  .min(1)
  .describe("Replica counts by time of day (UTC); before the first entry the last one applies");

const predictiveSchema = z
  .strictObject({
    target_utilization: z
      .number()
      .gt(0)
      .max(1)
      .describe("Fraction of a replica's saturated request rate to plan for (0..1]"),
    lead: duration(
      "How far ahead to look at the known rate profile. Default: the switch time (plus the mean provisioning delay in a pool that provisions)",
    ).optional(),
  })
  .describe("Scale ahead of the workloads' known rate profile (diurnal, growth)");

const policySchema = z
  .strictObject({
    models: z.array(id("Model id")).min(1).describe("Models this policy scales, each to its own count"),
    pools: z
      .array(id("Pool id"))
      .min(1)
      .optional()
      .describe(
        "Pools it may place replicas in, in order of preference. Default: every pool that serves the model",
      ),
    min_replicas: count("Fewest replicas of each model. Default 1", LIMITS.nodes).default(1),
    max_replicas: count("Most replicas of each model", LIMITS.nodes),
    cooldown: duration("Least time between two actions on one model. Default 5m").prefault("5m"),
    reactive: reactiveSchema.optional(),
    scheduled: scheduledSchema.optional(),
    predictive: predictiveSchema.optional(),
  })
  .superRefine((v, ctx) => {
    const rules = ["reactive", "scheduled", "predictive"].filter((k) => v[k as keyof typeof v] !== undefined);
    if (rules.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: rules.length > 1 ? [rules[1]] : [],
        message:
          rules.length === 0
            ? "give one of reactive, scheduled or predictive"
            : `give only one of reactive, scheduled or predictive, got ${rules.join(" and ")}`,
      });
    }
    if (v.min_replicas > v.max_replicas) {
      ctx.addIssue({
        code: "custom",
        path: ["min_replicas"],
        message: `min_replicas (${v.min_replicas}) must not exceed max_replicas (${v.max_replicas})`,
      });
    }
  })
  .describe("How many replicas of some models to run");

export const autoscalingSchema = z
  .strictObject({
    interval: duration("How often the autoscaler decides. Default 1m", { positive: true }).prefault("1m"),
    on_switch: z
      .enum(["drain", "preempt"])
      .default("drain")
      .describe(
        "What a replica leaving its model does with the requests it holds: drain (finish them, take no new ones) or preempt (send them back to be routed again at once). Default drain",
      ),
    policies: z.array(policySchema).min(1).describe("One policy per model or group of models"),
  })
  .describe("Replicas that follow demand, and switch between the models a pool serves (docs/autoscaling.md)");

export const poolScalingSchema = z
  .strictObject({
    min_nodes: count("Fewest nodes. Default: the pool's nodes", LIMITS.nodes).optional(),
    max_nodes: count("Most nodes, provisioning ones included", LIMITS.nodes),
    provisioning_delay: duration(
      "Median time from asking for a node to its being ready. Default 5m",
    ).prefault("5m"),
    provisioning_cv: fraction(
      "Spread of the delay: coefficient of variation of a lognormal around the median (0: always the median). Default 0",
    ).default(0),
    release_after: duration("A node left without replicas this long is released. Default 10m").prefault(
      "10m",
    ),
    spot: z
      .strictObject({
        max_nodes: count(
          "Most spot nodes at once (provisioned nodes are spot while below this)",
          LIMITS.nodes,
        ),
        reclaim_per_hour: inRange(
          "Mean reclaims per spot node-hour (a spot node lives an exponential time with this rate)",
          0,
          LIMITS.factor,
        ),
        notice: duration("Warning before a reclaimed node goes (Azure Spot: 30 s). Default 30s").prefault(
          "30s",
        ),
        discount: fraction("Discount of a spot node's capex and opex per hour (0..1). Default 0.6").default(
          0.6,
        ),
      })
      .nullable()
      .default(null)
      .describe("Provisioned nodes bought as spot: cheaper, and reclaimed with notice"),
  })
  .describe("Nodes provisioned on demand, billed from request to release");
