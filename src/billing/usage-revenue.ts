/**
 * Revenue billed on usage, from the integer token counts and the busy replica-seconds of the usage
 * ledger, attributed to the pool and model that served it:
 * - token: (input tokens x input price + output tokens x output price) / 1e6 x (1 - discount),
 *   at the price in force when each request completed (price epochs); input tokens read from the
 *   prefix cache at the model's cached-input price instead (the input price when it gives none);
 * - on_demand: busy node-hours used x the profile's price_usd_per_hour x (1 - discount);
 * - spot: the same x (1 - billing.spot_discount).
 * Each amount is converted to money once per (tenant, model, price epoch) for tokens and per
 * (tenant, pool) for node-hours, then split over the ledger rows by largest remainder. The owner's
 * share of token revenue is likewise rounded once per (tenant, model, epoch) and split by revenue.
 */

import { profileOf } from "../contract/cost-rates.js";
import type { PriceEpoch, RunResult } from "../contract/run-result.js";
import type { UsageRow } from "../metrics/usage-ledger.js";
import type { RevenueLine } from "./lines.js";
import { splitMicro, toMicro } from "./money.js";

interface Bucket {
  rows: UsageRow[];
  /** Per-row weight the amount is split by (list value, or node-seconds). */
  weights: number[];
  /** Integer tokens and node-seconds of the bucket: its money is computed from these, once. */
  input: number;
  /** Of input, tokens read from the prefix cache. */
  cached: number;
  output: number;
  nodeSeconds: number;
}

/** List value of tokens at a price epoch, USD x 1e6 (cached input tokens at the cached-input price). */
function tokenValue(input: number, cached: number, output: number, price: PriceEpoch): number {
  const fresh = (input - cached) * price.input;
  return (cached === 0 ? fresh : fresh + cached * price.cachedInput) + output * price.output;
}

/** Node-seconds a usage row kept its replicas busy for (share of replica busy time x nodes per replica). */
export function busyNodeSeconds(run: RunResult, u: UsageRow): number {
  const g = run.topology.groups[u.group];
  return Math.max(0, u.busyReplicaSeconds) * (g.acceleratorsPerReplica / g.profile.acceleratorsPerNode);
}

export function usageRevenue(run: RunResult): RevenueLine[] {
  const s = run.scenario;
  const buckets = new Map<string, Bucket>();
  for (const u of run.usage.sorted()) {
    const contract = s.tenants[u.tenant].contract;
    if (contract.type === "capacity") continue; // billed on reserved node-hours instead
    const g = run.topology.groups[u.group];
    const key =
      contract.type === "token" ? `${u.tenant}:m${g.modelIndex}:e${u.epoch}` : `${u.tenant}:p${g.poolIndex}`;
    let b = buckets.get(key);
    if (!b) {
      b = { rows: [], weights: [], input: 0, cached: 0, output: 0, nodeSeconds: 0 };
      buckets.set(key, b);
    }
    b.rows.push(u);
    if (contract.type === "token") {
      const price = run.priceEpochs[g.modelIndex][u.epoch];
      b.weights.push(tokenValue(u.inputTokens, u.cachedInputTokens, u.outputTokens, price));
      b.input += u.inputTokens;
      b.cached += u.cachedInputTokens;
      b.output += u.outputTokens;
    } else {
      const ns = busyNodeSeconds(run, u);
      b.weights.push(ns);
      b.nodeSeconds += ns;
    }
  }
  const lines: RevenueLine[] = [];
  for (const b of buckets.values()) {
    const first = b.rows[0];
    const contract = s.tenants[first.tenant].contract;
    const kind = contract.type as "token" | "on_demand" | "spot";
    const g = run.topology.groups[first.group];
    let usd: number;
    let ownerShareRate = 0;
    if (kind === "token") {
      const price = run.priceEpochs[g.modelIndex][first.epoch];
      usd = (tokenValue(b.input, b.cached, b.output, price) / 1e6) * (1 - contract.discount);
      ownerShareRate = g.model.ownerRevenueShare;
    } else {
      const spot = kind === "spot" ? 1 - s.billing.spotDiscount : 1;
      const perNodeSecond = profileOf(s, g.poolIndex).priceUsdPerHour / 3600;
      usd = b.nodeSeconds * perNodeSecond * spot * (1 - contract.discount);
    }
    const total = toMicro(usd);
    const revenue = splitMicro(total, b.weights);
    const share = splitMicro(Math.round(total * ownerShareRate), revenue);
    b.rows.forEach((u, i) => {
      const rg = run.topology.groups[u.group];
      lines.push({
        kind,
        interval: u.interval,
        tenant: u.tenant,
        statRow: u.statRow,
        pool: rg.poolIndex,
        model: rg.modelIndex,
        revenue: revenue[i],
        ownerShare: share[i],
      });
    });
  }
  return lines;
}
