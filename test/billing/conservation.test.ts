/**
 * Conservation: on a scenario with every contract type, a commitment, an SLA credit, a tenant
 * without workloads, a reserved pool and nodes added and removed mid-run, every output file adds up
 * to summary.csv's revenue, owner share and cost to the micro-dollar, and margin = revenue - owner
 * share - cost on every row of every file. Sums are of the files' own digits, read exactly.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { IDLE } from "../../src/billing/lines.js";
import { runScenario } from "../support/run-scenario.js";
import { FIXTURE, micro, parseCsv, type Row, sumBy, sumColumn } from "./csv-helpers.js";

// Both replicas: prefill pauses (the default) and step-level service with chunked prefill and
// paged KV (spot preemption, nodes added and removed, draining all reach the step replica too);
// and step-level service with shared prefixes, whose cached input tokens are billed at the
// cached-input price (gpt-4o and gpt-4o-mini give one; llama-3-70b and mistral-large-2 do not, and
// llama-3-70b's price changes mid-run), routed by load, by prefix_affinity or by kv_aware.
const PREFIXES = [
  "tenants.0.workloads.0.prefix={tokens: 400, groups: 3}",
  "tenants.0.workloads.1.prefix={tokens: 300}",
  "tenants.1.workloads.0.prefix={tokens: 600, groups: 2}",
  "tenants.2.workloads.0.prefix={tokens: 200}",
  "tenants.4.workloads.0.prefix={tokens: 200}",
];
describe.each([
  ["pause"],
  ["chunked"],
  ["chunked+prefix"],
  ["chunked+prefix+affinity"],
  ["chunked+prefix+kv_aware"],
])("billing conservation (prefill: %s)", (variant) => {
  const prefill = variant.startsWith("chunked") ? "chunked" : "pause";
  const prefixed = variant.includes("prefix");
  const routing = variant.endsWith("affinity")
    ? "prefix_affinity"
    : variant.endsWith("kv_aware")
      ? "kv_aware"
      : null;
  let r: Awaited<ReturnType<typeof runScenario>>;
  let files: Map<string, string>;
  let summary: Row;
  const csv = (name: string) => parseCsv(files.get(name)!);

  beforeAll(async () => {
    r = await runScenario(FIXTURE, {
      set: [
        `scheduler.prefill=${prefill}`,
        ...(prefixed ? PREFIXES : []),
        ...(routing !== null ? [`scheduler.routing=${routing}`] : []),
      ],
    });
    files = r.files();
    summary = csv("summary.csv")[0];
  });

  it("exercises every kind of charge (otherwise the sums below prove little)", () => {
    const kinds = new Set(r.fin.revenue.filter((l) => l.revenue !== 0).map((l) => l.kind));
    expect([...kinds].sort()).toEqual(["capacity", "commitment", "on_demand", "sla_credit", "spot", "token"]);
    expect(r.fin.revenue.some((l) => l.model === IDLE && l.revenue > 0)).toBe(true);
    expect(
      r.fin.revenue.every((l) => Number.isSafeInteger(l.revenue) && Number.isSafeInteger(l.ownerShare)),
    ).toBe(true);
  });

  it.runIf(prefixed)("has prefix hits on token, on-demand and SLA-credited tenants", () => {
    const rows = csv("tenants.csv");
    const cached = (id: string) =>
      rows.filter((x) => x.tenant === id).reduce((a, x) => a + Number(x.cached_input_tokens), 0);
    for (const id of ["lab", "corp", "picky", "burst"]) expect(cached(id), id).toBeGreaterThan(0);
    expect(Number(summary.cached_input_tokens)).toBe(
      rows.reduce((a, x) => a + Number(x.cached_input_tokens), 0),
    );
  });

  it("adds revenue up to summary.revenue_usd in every file", () => {
    const revenue = micro(summary.revenue_usd);
    expect(revenue).toBeGreaterThan(0);
    expect(sumColumn(csv("revenue_by_model.csv"), "revenue_usd")).toBe(revenue);
    expect(sumColumn(csv("tenants.csv"), "billed_usd")).toBe(revenue);
    expect(sumColumn(csv("margin.csv"), "revenue_usd")).toBe(revenue);
    expect(sumColumn(csv("timeseries.csv"), "revenue_usd")).toBe(revenue);
  });

  it("adds owner share and cost up to the summary in every file", () => {
    const share = micro(summary.owner_share_usd);
    const cost = micro(summary.cost_usd);
    expect(share).toBeGreaterThan(0);
    for (const name of ["revenue_by_model.csv", "margin.csv", "timeseries.csv"]) {
      expect(sumColumn(csv(name), "owner_share_usd"), name).toBe(share);
      expect(sumColumn(csv(name), "cost_usd"), name).toBe(cost);
    }
    const margin = csv("margin.csv");
    for (const c of ["capex_usd", "energy_usd", "opex_usd"]) {
      expect(sumColumn(margin, c)).toBe(sumColumn(csv("timeseries.csv"), c));
    }
  });

  it("has margin = revenue - owner share - cost, and cost = capex + energy + opex, on every row", () => {
    const rows = [summary, ...csv("revenue_by_model.csv"), ...csv("margin.csv"), ...csv("timeseries.csv")];
    for (const row of rows) {
      expect(micro(row.margin_usd)).toBe(
        micro(row.revenue_usd) - micro(row.owner_share_usd) - micro(row.cost_usd),
      );
    }
    for (const row of [...csv("margin.csv"), ...csv("timeseries.csv")]) {
      expect(micro(row.cost_usd)).toBe(micro(row.capex_usd) + micro(row.energy_usd) + micro(row.opex_usd));
    }
    expect(Number(summary.margin_pct)).toBeCloseTo(micro(summary.margin_usd) / micro(summary.revenue_usd), 6);
  });

  it("bills each tenant its usage plus shortfall less credit, across its tenants.csv rows", () => {
    const billed = sumBy(csv("tenants.csv"), "tenant", "billed_usd");
    const shortfall = sumBy(csv("tenants.csv"), "tenant", "commitment_shortfall_usd");
    const credit = sumBy(csv("tenants.csv"), "tenant", "sla_credit_usd");
    expect([...billed.keys()]).toEqual(r.scenario.tenants.map((t) => t.id));
    for (const b of r.fin.tenants) {
      const id = r.scenario.tenants[b.tenant].id;
      expect(billed.get(id), id).toBe(b.usage + b.shortfall - b.slaCredit);
      expect(shortfall.get(id), id).toBe(b.shortfall);
      expect(credit.get(id), id).toBe(b.slaCredit);
    }
    expect(sumColumn(csv("tenants.csv"), "commitment_shortfall_usd")).toBe(
      micro(summary.commitment_shortfall_usd),
    );
    expect(sumColumn(csv("tenants.csv"), "sla_credit_usd")).toBe(micro(summary.sla_credit_usd));
  });

  // A step replica holds up to max_num_seqs requests (more wait in its own line, as in vLLM), so
  // spot work is displaced only when a replica is full at that cap, which this fixture never is.
  it.skipIf(prefill === "chunked")(
    "counts preempted spot work in summary.csv and on the spot tenant's tenants.csv rows only",
    () => {
      const rows = csv("tenants.csv");
      const preempted = rows.reduce((a, x) => a + Number(x.preempted), 0);
      expect(preempted).toBeGreaterThan(0);
      expect(Number(summary.preempted)).toBe(preempted);
      expect(rows.filter((x) => Number(x.preempted) > 0).every((x) => x.contract === "spot")).toBe(true);
    },
  );

  it("reports the same figures in summary.json as in summary.csv", () => {
    const json = JSON.parse(files.get("summary.json")!);
    for (const [column, cell] of Object.entries(summary)) {
      if (column === "scenario") expect(json[column]).toBe(cell);
      else if (cell === "") expect(json[column], column).toBeNull();
      else expect(json[column], column).toBe(Number(cell));
    }
  });

  it("keeps the contract's columns first and in order, with additions only at the end", () => {
    const head = (name: string) => files.get(name)!.split("\r\n")[0];
    expect(head("summary.csv")).toMatch(
      /^scenario,seed,horizon_s,requests,completed,rejected,in_flight,failed_over,input_tokens,output_tokens,revenue_usd,owner_share_usd,cost_usd,margin_usd,margin_pct,utilization,slo_attainment,revenue_hhi,jain_fairness,/,
    );
    expect(head("margin.csv")).toMatch(
      /^pool,profile,kind,region,revenue_usd,capex_usd,energy_usd,opex_usd,cost_usd,margin_usd,margin_pct,utilization(,|$)/,
    );
    expect(head("tenants.csv")).toMatch(/,e2e_p99_s,slo_attainment,billed_usd(,|$)/);
    expect(head("revenue_by_model.csv")).toBe(
      "period_start,model,owner,requests,input_tokens,output_tokens,revenue_usd,owner_share_usd,cost_usd,margin_usd",
    );
    expect(head("timeseries.csv")).toMatch(
      /^period_start,pool,profile,kind,region,nodes,utilization,batch_occupancy,output_tokens,energy_kwh,cost_usd(,|$)/,
    );
  });
});
