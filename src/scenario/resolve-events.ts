/** The what-if timeline: references checked, sorted by time (stable for equal times). */
import type { ProblemList } from "./problems.js";
import type { ModelRegistry } from "./resolve-models.js";
import { LIMITS } from "./schema/limits.js";
import type { RawEvent } from "./schema/scenario.js";
import { didYouMean } from "./suggest.js";
import type { TimelineEvent } from "./types.js";

export interface EventContext {
  problems: ProblemList;
  models: ModelRegistry;
  tenantIds: Set<string>;
  poolIds: Set<string>;
}

/** `at`: where the list is in the file (the plan's outages to survive are events too). */
export function resolveEvents(
  raw: RawEvent[],
  ctx: EventContext,
  at: Array<string | number> = ["events"],
): TimelineEvent[] {
  const out: Array<{ event: TimelineEvent; index: number }> = [];
  raw.forEach((e, index) => {
    const path = [...at, index];
    const tenant = (id: string) => {
      if (!ctx.tenantIds.has(id)) {
        ctx.problems.add([...path, "tenant"], `unknown tenant "${id}"${didYouMean(id, ctx.tenantIds)}`);
      }
    };
    let event: TimelineEvent;
    switch (e.type) {
      case "tenant_shift":
        tenant(e.tenant);
        event = { at: e.at, type: e.type, tenant: e.tenant, fraction: e.fraction };
        break;
      case "demand_change":
        tenant(e.tenant);
        event = { at: e.at, type: e.type, tenant: e.tenant, factor: e.factor };
        break;
      case "model_outage":
        ctx.models.ref([...path, "model"], e.model);
        event = { at: e.at, type: e.type, model: e.model, duration: e.duration };
        break;
      case "pool_outage":
        if (!ctx.poolIds.has(e.pool)) {
          ctx.problems.add([...path, "pool"], `unknown pool "${e.pool}"${didYouMean(e.pool, ctx.poolIds)}`);
        }
        event = { at: e.at, type: e.type, pool: e.pool, duration: e.duration, fraction: e.fraction };
        break;
      case "price_change":
        ctx.models.ref([...path, "model"], e.model);
        if (e.input_usd_per_mtok === undefined && e.output_usd_per_mtok === undefined) {
          ctx.problems.add(path, "give input_usd_per_mtok, output_usd_per_mtok or both");
        }
        event = {
          at: e.at,
          type: e.type,
          model: e.model,
          inputUsdPerMtok: e.input_usd_per_mtok ?? null,
          outputUsdPerMtok: e.output_usd_per_mtok ?? null,
        };
        break;
    }
    out.push({ event, index });
  });
  out.sort((a, b) => a.event.at - b.event.at || a.index - b.index);
  checkCumulativeLoad(out, ctx.problems);
  return out.map((o) => o.event);
}

/**
 * demand_change factors multiply one another over time: each alone is in range, but a chain of
 * them could take a tenant's load to any size (past 10^308 after some hundred). The load they
 * reach is bounded like a single factor.
 */
function checkCumulativeLoad(sorted: Array<{ event: TimelineEvent; index: number }>, problems: ProblemList) {
  const load = new Map<string, number>();
  for (const { event, index } of sorted) {
    if (event.type !== "demand_change" && event.type !== "tenant_shift") continue;
    const factor = event.type === "demand_change" ? event.factor : 1 - event.fraction;
    const now = (load.get(event.tenant) ?? 1) * factor;
    if (now > LIMITS.factor) {
      problems.add(
        ["events", index, "factor"],
        `takes tenant "${event.tenant}"'s load to ${now.toPrecision(3)} x its base with the events before it, above the limit of ${LIMITS.factor} x, got ${factor}`,
      );
      return;
    }
    load.set(event.tenant, now);
  }
}
