/**
 * Billing rules against their closed forms, on the conservation fixture (4 h, report interval 1 h).
 * Amounts computed once from whole counts are exact to the micro-dollar; where several once-rounded
 * amounts add up (price epochs) the tolerance is 1 micro-dollar per amount.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { toMicro } from "../../src/billing/money.js";
import { busyNodeSeconds } from "../../src/billing/usage-revenue.js";
import { SECONDS_PER_YEAR } from "../../src/contract/cost-rates.js";
import { saturatedOutputTokensPerS } from "../../src/fleet/saturated-throughput.js";
import { runScenario } from "../support/run-scenario.js";
import { FIXTURE, micro, parseCsv, type Row } from "./csv-helpers.js";

let r: Awaited<ReturnType<typeof runScenario>>;
let tenants: Row[];
let margin: Row[];
let summary: Row;

beforeAll(async () => {
  r = await runScenario(FIXTURE);
  const files = r.files();
  tenants = parseCsv(files.get("tenants.csv")!);
  margin = parseCsv(files.get("margin.csv")!);
  summary = parseCsv(files.get("summary.csv")!)[0];
});

const tenantIndex = (id: string) => r.scenario.tenants.findIndex((t) => t.id === id);
const modelIndex = (id: string) => r.scenario.models.findIndex((m) => m.id === id);
const tenantRow = (tenant: string, model: string) =>
  tenants.find((x) => x.tenant === tenant && x.model === model)!;
const pool = (id: string) => margin.find((x) => x.pool === id)!;
const profile = (id: string) => r.scenario.profiles.find((p) => p.id === id)!;
const revenueOf = (kind: string, tenant: string, model?: string) =>
  r.fin.revenue
    .filter(
      (l) =>
        l.kind === kind &&
        l.tenant === tenantIndex(tenant) &&
        (model === undefined || l.model === modelIndex(model)),
    )
    .reduce((a, l) => a + l.revenue, 0);
const bill = (tenant: string) => r.fin.tenants[tenantIndex(tenant)];
const HOURS = 4;

describe("contracts", () => {
  it("token: tokens x list price x (1 - discount)", () => {
    // lab pays gpt-4o-mini (0.15 / 0.60 USD per M tokens in models.yaml) less 10 %.
    const row = tenantRow("lab", "gpt-4o-mini");
    const price = r.scenario.models[modelIndex("gpt-4o-mini")].price;
    expect([price.inputUsdPerMtok, price.outputUsdPerMtok]).toEqual([0.15, 0.6]);
    const expected = ((Number(row.input_tokens) * 0.15 + Number(row.output_tokens) * 0.6) / 1e6) * 0.9;
    expect(Number(row.input_tokens)).toBeGreaterThan(1e6);
    expect(revenueOf("token", "lab", "gpt-4o-mini")).toBe(toMicro(expected));
    expect(micro(row.billed_usd)).toBe(toMicro(expected));
  });

  it("token: each price epoch at its own price (llama-3-70b output price changes at 2 h)", () => {
    const li = modelIndex("llama-3-70b");
    const epochs = r.run.priceEpochs[li];
    expect(epochs.map((e) => e.output)).toEqual([3.5, 3.0]);
    let expected = 0;
    for (let e = 0; e < epochs.length; e++) {
      let input = 0;
      let output = 0;
      for (const u of r.run.usage.rows) {
        if (
          u.tenant !== tenantIndex("lab") ||
          u.epoch !== e ||
          r.run.topology.groups[u.group].modelIndex !== li
        )
          continue;
        input += u.inputTokens;
        output += u.outputTokens;
      }
      expect(output).toBeGreaterThan(0);
      expected += ((input * epochs[e].input + output * epochs[e].output) / 1e6) * 0.9;
    }
    expect(Math.abs(revenueOf("token", "lab", "llama-3-70b") - toMicro(expected))).toBeLessThanOrEqual(2);
  });

  it("owner share: the model's owner_revenue_share of its token revenue", () => {
    // gpt-4o-mini pays 20 % on to OpenAI; rounded once per (tenant, model, price epoch).
    const lines = r.fin.revenue.filter((l) => l.kind === "token" && l.model === modelIndex("gpt-4o-mini"));
    const perTenant = new Map<number, { revenue: number; share: number }>();
    for (const l of lines) {
      const acc = perTenant.get(l.tenant) ?? { revenue: 0, share: 0 };
      acc.revenue += l.revenue;
      acc.share += l.ownerShare;
      perTenant.set(l.tenant, acc);
    }
    expect(perTenant.size).toBe(2);
    for (const { revenue, share } of perTenant.values()) expect(share).toBe(Math.round(revenue * 0.2));
    expect(r.fin.revenue.filter((l) => l.kind !== "token").every((l) => l.ownerShare === 0)).toBe(true);
  });

  it("capacity: reserved node-hours x price_usd_per_hour x (1 - discount), used or not", () => {
    // bank reserves bank-cpu: 2 cobalt-100 nodes x 4 h x 3.84 USD/h x (1 - 0.2) = 24.576 USD.
    expect(profile("cobalt-100").priceUsdPerHour).toBe(3.84);
    expect(revenueOf("capacity", "bank")).toBe(toMicro(2 * HOURS * 3.84 * 0.8));
    expect(micro(tenantRow("bank", "mistral-7b").billed_usd)).toBe(24_576_000);
    // Attributed to the reserved pool only, part of it to idle time.
    const lines = r.fin.revenue.filter((l) => l.kind === "capacity");
    const poolIndex = r.scenario.fleet.pools.findIndex((p) => p.id === "bank-cpu");
    expect(lines.every((l) => l.pool === poolIndex)).toBe(true);
    expect(lines.some((l) => l.model === -1)).toBe(true);
  });

  it("on_demand and spot: busy node-hours x price x (1 - discount), spot also x (1 - spot_discount)", () => {
    const nodeHours = (tenant: string) =>
      r.run.usage.rows
        .filter((u) => u.tenant === tenantIndex(tenant))
        .reduce((a, u) => a + busyNodeSeconds(r.run, u), 0) / 3600;
    // burst: mistral-large-2 (4 of a node's 8 H100) at 98.32 USD/h less 5 %.
    const burst = nodeHours("burst");
    expect(burst).toBeGreaterThan(0.1);
    expect(Math.abs(revenueOf("on_demand", "burst") - toMicro(burst * 98.32 * 0.95))).toBeLessThanOrEqual(1);
    // cheap: cobalt nodes (3.84 USD/h) at spot_discount 0.6, on the cpu pool only.
    const cheap = nodeHours("cheap");
    expect(cheap).toBeGreaterThan(0.1);
    expect(Math.abs(revenueOf("spot", "cheap") - toMicro(cheap * 3.84 * 0.4))).toBeLessThanOrEqual(1);
    // Busy share of the replicas: no more than the node-hours the group was busy.
    const g = r.run.topology.groups.find((x) => x.pool.id === "gpu" && x.model.id === "mistral-large-2")!;
    let groupBusy = 0;
    for (let k = 0; k < r.run.intervals; k++) groupBusy += r.run.grid.busy[r.run.grid.at(k, g.index)];
    expect(burst).toBeLessThanOrEqual((groupBusy * 0.5) / 3600 + 1e-9);
  });

  it("commitment: the shortfall is billed, so the tenant pays exactly what it committed", () => {
    expect(bill("corp").usage).toBeGreaterThan(0);
    expect(bill("corp").usage).toBeLessThan(50e6);
    expect(bill("corp").shortfall).toBe(50e6 - bill("corp").usage);
    expect(micro(tenantRow("corp", "gpt-4o").billed_usd)).toBe(50_000_000);
    // ghost has no workloads: it pays its 40 USD on a row of its own.
    expect(micro(tenantRow("ghost", "").billed_usd)).toBe(40_000_000);
  });

  it("SLA: attainment below target credits 10 % of the bill", () => {
    // picky's SLO (1 ms TTFT) is never met: attainment 0 < 0.95.
    const row = tenantRow("picky", "gpt-4o-mini");
    expect(Number(row.slo_attainment)).toBe(0);
    const list = toMicro((Number(row.input_tokens) * 0.15 + Number(row.output_tokens) * 0.6) / 1e6);
    expect(bill("picky").usage).toBe(list);
    expect(bill("picky").slaCredit).toBe(Math.round(list * 0.1));
    expect(micro(row.sla_credit_usd)).toBe(Math.round(list * 0.1));
    expect(micro(row.billed_usd)).toBe(list - Math.round(list * 0.1));
    // lab meets its SLO: no credit.
    expect(bill("lab").slaCredit).toBe(0);
  });
});

describe("infrastructure cost", () => {
  it("capex amortised and opex per node-hour, for nodes while present (gpu adds a node at 2.5 h)", () => {
    // gpu: 2 nd-h100-v5 nodes for 4 h, plus 1 from 150 min: 9.5 node-hours.
    const h100 = profile("nd-h100-v5");
    const row = pool("gpu");
    expect(Number(row.node_hours)).toBeCloseTo(9.5, 6);
    expect(micro(row.capex_usd)).toBe(toMicro(((9.5 * 3600) / (4 * SECONDS_PER_YEAR)) * h100.capexUsd));
    expect(micro(row.opex_usd)).toBe(toMicro(9.5 * h100.opexUsdPerHour));
    expect(h100.capexUsd).toBe(300000);
  });

  it("counts stranded accelerators and unassigned nodes (maia: 5 nodes, 4 of them in replicas)", () => {
    const maia = profile("maia-100");
    const row = pool("maia");
    expect(Number(row.node_hours)).toBeCloseTo(5 * HOURS, 6);
    expect(micro(row.capex_usd)).toBe(toMicro(((5 * HOURS) / (4 * 8760)) * maia.capexUsd));
    expect(micro(row.opex_usd)).toBe(toMicro(5 * HOURS * maia.opexUsdPerHour));
  });

  it("energy lies between the idle and peak bounds, at idle + (peak - idle) x utilisation of saturated throughput", () => {
    const pue = 1.25;
    const usdPerKwh = 0.1;
    for (const row of margin) {
      const p = profile(row.profile);
      const nodeHours = Number(row.node_hours);
      const idle = ((nodeHours * p.powerW.idle) / 1000) * pue * usdPerKwh;
      const peak = ((nodeHours * p.powerW.peak) / 1000) * pue * usdPerKwh;
      const energy = micro(row.energy_usd) / 1e6;
      expect(energy, row.pool).toBeGreaterThan(idle);
      expect(energy, row.pool).toBeLessThan(peak);
    }
    // gpu: the accelerator-seconds of saturated work its tokens amount to give the exact figure. A
    // group's saturated rate is that of the mix it served: tenants.csv's tokens per completed request.
    const h100 = profile("nd-h100-v5");
    let activeAccS = 0;
    for (const g of r.run.topology.groups.filter((x) => x.pool.id === "gpu")) {
      const rows = tenants.filter((t) => t.model === g.model.id);
      const done = rows.reduce((a, t) => a + Number(t.completed), 0);
      const prompt = rows.reduce((a, t) => a + Number(t.input_tokens), 0) / done;
      const output = rows.reduce((a, t) => a + Number(t.output_tokens), 0) / done;
      const rate = saturatedOutputTokensPerS(g.curve, prompt, output);
      for (let k = 0; k < r.run.intervals; k++) {
        const i = r.run.grid.at(k, g.index);
        activeAccS +=
          g.acceleratorsPerReplica * Math.min(r.run.grid.available[i], r.run.grid.outputTokens[i] / rate);
      }
    }
    expect(activeAccS).toBeGreaterThan(0);
    const presentAccS = 9.5 * 3600 * 8;
    const watts = (h100.powerW.idle + (h100.powerW.peak - h100.powerW.idle) * (activeAccS / presentAccS)) / 1;
    const kwh = ((watts * 9.5) / 1000) * pue;
    expect(Number(pool("gpu").energy_kwh)).toBeCloseTo(kwh, 4);
    expect(micro(pool("gpu").energy_usd)).toBe(toMicro(kwh * usdPerKwh));
  });
});

describe("concentration and fairness", () => {
  it("revenue_hhi is the HHI of revenue by model owner in revenue_by_model.csv", () => {
    const rows = parseCsv(r.files().get("revenue_by_model.csv")!);
    const byOwner = new Map<string, number>();
    for (const x of rows)
      if (x.owner !== "") byOwner.set(x.owner, (byOwner.get(x.owner) ?? 0) + micro(x.revenue_usd));
    expect(byOwner.size).toBe(3); // openai, meta, mistral
    const total = [...byOwner.values()].reduce((a, b) => a + b, 0);
    const expected = [...byOwner.values()].reduce((a, v) => a + (v / total) ** 2, 0);
    expect(Number(summary.revenue_hhi)).toBeCloseTo(expected, 6);
  });

  it("jain_fairness is (sum x)^2 / (n sum x^2) over tenants' SLO attainment, tenants with requests only", () => {
    const met = new Map<number, number>();
    const requests = new Map<number, number>();
    for (const st of r.run.stats) {
      met.set(st.tenantIndex, (met.get(st.tenantIndex) ?? 0) + st.sloMet);
      requests.set(st.tenantIndex, (requests.get(st.tenantIndex) ?? 0) + st.requests);
    }
    const xs = [...requests.entries()].filter(([, n]) => n > 0).map(([t, n]) => met.get(t)! / n);
    expect(xs.length).toBe(6); // ghost sent nothing
    expect(xs).toContain(0); // picky: nothing met, which pulls the index down
    const sum = xs.reduce((a, b) => a + b, 0);
    const sumSq = xs.reduce((a, b) => a + b * b, 0);
    const j = (sum * sum) / (xs.length * sumSq);
    expect(j).toBeLessThan(0.9);
    expect(Number(summary.jain_fairness)).toBeCloseTo(j, 6);
  });
});
