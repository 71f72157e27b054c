/**
 * Usage revenue row by row (src/billing/usage-revenue.ts) on the billing fixture (4 h, hourly
 * intervals; token, on_demand, spot and capacity tenants; discounts; owners' shares of 20 %; a
 * price change at 2 h): every usage row's revenue is recomputed here from its own token counts and
 * the prices of the scenario (or its busy replica-seconds and the profile's hourly price), not from
 * the run's price table or the module's helpers.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RevenueLine } from "../../src/billing/lines.js";
import { usageRevenue } from "../../src/billing/usage-revenue.js";
import type { UsageRow } from "../../src/metrics/usage-ledger.js";
import { runScenario } from "../support/run-scenario.js";

type Run = Awaited<ReturnType<typeof runScenario>>;
let r: Run;
let lines: RevenueLine[];
let rows: UsageRow[];

let setupError: unknown;

beforeAll(async () => {
  // A failure here (the run computes its financials, usage revenue among them) is rethrown by every
  // test: a hook's failure alone fails no test, and mutation testing would count it as survived.
  try {
    r = await runScenario("test/fixtures/billing/conservation.yaml");
  } catch (e) {
    setupError = e;
  }
});

beforeEach(() => {
  if (setupError !== undefined) throw setupError;
  lines = usageRevenue(r.run);
  rows = r.run.usage.sorted().filter((u) => r.scenario.tenants[u.tenant].contract.type !== "capacity");
});

/** USD per million tokens of a model in force during report interval k, from the scenario's events. */
function priceAt(model: number, k: number): { input: number; output: number } {
  const m = r.scenario.models[model];
  let input = m.price.inputUsdPerMtok;
  let output = m.price.outputUsdPerMtok;
  for (const e of r.scenario.events) {
    if (e.type !== "price_change" || e.model !== m.id || e.at > k * r.scenario.reportInterval) continue;
    if (e.inputUsdPerMtok !== null) input = e.inputUsdPerMtok;
    if (e.outputUsdPerMtok !== null) output = e.outputUsdPerMtok;
  }
  return { input, output };
}

/** The exact revenue of a usage row, in (fractional) micro-dollars. */
function exactMicro(u: UsageRow): number {
  const s = r.scenario;
  const contract = s.tenants[u.tenant].contract;
  const g = r.run.topology.groups[u.group];
  if (contract.type === "token") {
    const p = priceAt(g.modelIndex, u.interval);
    // tokens x USD per 1e6 tokens = micro-dollars.
    return (u.inputTokens * p.input + u.outputTokens * p.output) * (1 - contract.discount);
  }
  const nodeHours = (u.busyReplicaSeconds * g.acceleratorsPerReplica) / g.profile.acceleratorsPerNode / 3600;
  const spot = contract.type === "spot" ? 1 - s.billing.spotDiscount : 1;
  return nodeHours * g.profile.priceUsdPerHour * 1e6 * spot * (1 - contract.discount);
}

function lineOf(u: UsageRow): RevenueLine {
  const g = r.run.topology.groups[u.group];
  const found = lines.filter(
    (l) =>
      l.interval === u.interval &&
      l.tenant === u.tenant &&
      l.statRow === u.statRow &&
      l.pool === g.poolIndex &&
      l.model === g.modelIndex,
  );
  expect(found).toHaveLength(1);
  return found[0];
}

describe("usage revenue per interval", () => {
  it("has one line per usage row of every tenant billed on usage, none for capacity tenants", () => {
    expect(rows.length).toBeGreaterThan(20);
    expect(lines).toHaveLength(rows.length);
    const kinds = new Set(lines.map((l) => l.kind));
    expect([...kinds].sort()).toEqual(["on_demand", "spot", "token"]);
    for (const u of rows) expect(lineOf(u).kind).toBe(r.scenario.tenants[u.tenant].contract.type);
  });

  it("bills each row's tokens at the price in force in its interval, less the discount, to within a micro-dollar", () => {
    let checked = 0;
    let afterPriceChange = 0;
    for (const u of rows) {
      if (r.scenario.tenants[u.tenant].contract.type !== "token") continue;
      const exact = exactMicro(u);
      expect(Math.abs(lineOf(u).revenue - exact)).toBeLessThanOrEqual(1.5);
      checked++;
      const model = r.scenario.models[r.run.topology.groups[u.group].modelIndex].id;
      if (model === "llama-3-70b" && u.interval >= 2 && u.outputTokens > 0) afterPriceChange++;
    }
    expect(checked).toBeGreaterThan(10);
    expect(afterPriceChange).toBeGreaterThan(0);
  });

  it("bills busy node-hours at the profile's price (spot at its discount), to within a micro-dollar", () => {
    const seen = new Set<string>();
    for (const u of rows) {
      const type = r.scenario.tenants[u.tenant].contract.type;
      if (type === "token") continue;
      expect(Math.abs(lineOf(u).revenue - exactMicro(u))).toBeLessThanOrEqual(1.5);
      if (u.busyReplicaSeconds > 0) seen.add(type);
    }
    expect([...seen].sort()).toEqual(["on_demand", "spot"]);
  });

  it("rounds once per tenant x model x price (tokens) and per tenant x pool (node-hours)", () => {
    const groups = new Map<string, { exact: number; billed: number }>();
    for (const u of rows) {
      const g = r.run.topology.groups[u.group];
      const type = r.scenario.tenants[u.tenant].contract.type;
      const p = priceAt(g.modelIndex, u.interval);
      const key =
        type === "token"
          ? `${u.tenant} m${g.modelIndex} ${p.input}/${p.output}`
          : `${u.tenant} p${g.poolIndex}`;
      const acc = groups.get(key) ?? { exact: 0, billed: 0 };
      acc.exact += exactMicro(u);
      acc.billed += lineOf(u).revenue;
      groups.set(key, acc);
    }
    expect(groups.size).toBeGreaterThan(5);
    for (const { exact, billed } of groups.values()) {
      expect(Number.isSafeInteger(billed)).toBe(true);
      expect(Math.abs(billed - exact)).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });

  it("gives the model's owner its share of token revenue, row by row, and nothing of node-hours", () => {
    let shared = 0;
    for (const u of rows) {
      const line = lineOf(u);
      const g = r.run.topology.groups[u.group];
      const rate = line.kind === "token" ? r.scenario.models[g.modelIndex].ownerRevenueShare : 0;
      expect(Number.isSafeInteger(line.ownerShare)).toBe(true);
      expect(Math.abs(line.ownerShare - line.revenue * rate)).toBeLessThanOrEqual(2);
      if (rate > 0 && line.ownerShare > 0) shared++;
    }
    expect(shared).toBeGreaterThan(3);
    expect(r.scenario.models.some((m) => m.ownerRevenueShare === 0.2)).toBe(true);
  });
});
