/** The what-if timeline: references checked, sorted by time (stable for equal times). */
import type { ProblemList } from "./problems.js";
import type { ModelRegistry } from "./resolve-models.js";
import type { RawEvent } from "./schema/scenario.js";
import { didYouMean } from "./suggest.js";
import type { TimelineEvent } from "./types.js";

export interface EventContext {
  problems: ProblemList;
  models: ModelRegistry;
  tenantIds: Set<string>;
  poolIds: Set<string>;
}

export function resolveEvents(raw: RawEvent[], ctx: EventContext): TimelineEvent[] {
  const out: Array<{ event: TimelineEvent; index: number }> = [];
  raw.forEach((e, index) => {
    const path = ["events", index];
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
  return out.map((o) => o.event);
}
