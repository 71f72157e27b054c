/**
 * fidelity hybrid: the fluid run everywhere except the windows, which the request engine runs.
 * Everything here is an exact comparison (same seed, deterministic engines): no statistical
 * tolerance is involved except where stated.
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { windowScenario } from "../../src/run/hybrid-window-scenario.js";
import { simulate } from "../../src/run/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";
import { RateProfile } from "../../src/workload/rate-profile.js";
import { micro, parseCsv, sumColumn } from "../billing/csv-helpers.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

const HYBRID = "test/fixtures/fluid/hybrid.yaml";
const csvRows = (text: string) => parse(text, { columns: true }) as Array<Record<string, string>>;

describe("hybrid runs", () => {
  it("a window over the whole horizon gives the request engine's files, byte for byte", async () => {
    const file = "test/fixtures/fluid/diurnal.yaml";
    const req = await runScenario(file);
    const hyb = await runScenario(file, {
      fidelity: "hybrid",
      set: ["fluid.windows=[{at: 0, duration: 1d}]"],
    });
    const a = req.files();
    const b = hyb.files();
    for (const name of [
      "summary.csv",
      "timeseries.csv",
      "revenue_by_model.csv",
      "tenants.csv",
      "margin.csv",
    ]) {
      expect(b.get(name), name).toBe(a.get(name));
    }
    expect(hyb.summary.completed).toBeGreaterThan(100_000);
  });

  it("a window's intervals are a request-level run of the window's scenario; p50 and p99 come from it", async () => {
    // One window, 38h-41h: after the fleet change (30h) and the price change (20h), during the
    // demand change (36h) and a pool outage running from 37h to 39h.
    const window = { at: 38 * 3600, duration: 3 * 3600 };
    const hyb = await runScenario(HYBRID, { set: ["fluid.windows=[{at: 38h, duration: 3h}]"] });
    const sub = windowScenario(hyb.scenario, window);
    const win = await simulate(sub);
    const run = hyb.run;
    const G = run.grid.groups;
    const first = 38;
    for (const key of ["present", "available", "busy", "held", "outputTokens"] as const) {
      expect(Array.from(run.grid[key].subarray(first * G, (first + 3) * G)), key).toEqual(
        Array.from(win.grid[key].subarray(0, 3 * G)),
      );
    }
    const inWindow = run.usage.sorted().filter((u) => u.interval >= first && u.interval < first + 3);
    expect(inWindow).toEqual(win.usage.sorted().map((u) => ({ ...u, interval: u.interval + first })));
    // The price change before the window is in force: gpt-4o-mini's rows bill at epoch 1.
    const mini = run.topology.groups.filter((g) => g.model.id === "gpt-4o-mini").map((g) => g.index);
    const miniRows = inWindow.filter((u) => mini.includes(u.group));
    expect(miniRows.length).toBeGreaterThan(0);
    for (const u of miniRows) expect(u.epoch).toBe(1);

    // Percentiles: only the window's requests are in the histograms.
    const tenants = csvRows(hyb.files().get("tenants.csv")!);
    run.stats.forEach((st, i) => {
      const w = win.stats[i];
      expect(tenants[i].ttft_p50_s).not.toBe("");
      expect(tenants[i].tpot_p99_ms).not.toBe("");
      expect(st.ttftS.quantile(0.5)).toBe(w.ttftS.quantile(0.5));
      expect(st.ttftS.quantile(0.99)).toBe(w.ttftS.quantile(0.99));
      expect(st.e2eS.quantile(0.99)).toBe(w.e2eS.quantile(0.99));
      // Means and counts cover the whole horizon (fluid outside the window).
      expect(st.completed).toBeGreaterThan(w.completed * 10);
    });
  });

  it("the fleet and outage state at a window's start carries over (same as the request engine's)", async () => {
    const set = ["fluid.windows=[{at: 38h, duration: 3h}]"];
    const hyb = await runScenario(HYBRID, { set });
    const req = await runScenario(HYBRID, { set, fidelity: "request" });
    const G = hyb.run.grid.groups;
    // Replica-seconds present and available are deterministic: the fleet change at 30h and the
    // pool outage of 37h-39h (maia half down) must look the same as in the whole request-level run.
    for (const key of ["present", "available"] as const) {
      expect(Array.from(hyb.run.grid[key].subarray(38 * G, 41 * G)), key).toEqual(
        Array.from(req.run.grid[key].subarray(38 * G, 41 * G)),
      );
    }
    const maia = hyb.run.topology.groups.find((g) => g.pool.id === "maia")!.index;
    expect(hyb.run.grid.available[38 * G + maia]).toBeLessThan(hyb.run.grid.present[38 * G + maia]);
    expect(hyb.run.grid.available[39 * G + maia]).toBe(hyb.run.grid.present[39 * G + maia]);
  });

  it("outside the windows the fluid state is the fluid run's", async () => {
    const hyb = await runScenario(HYBRID);
    const fl = await runScenario(HYBRID, { fidelity: "fluid" });
    const G = hyb.run.grid.groups;
    const windows = hyb.scenario.fluid!.windows!;
    expect(windows).toEqual([
      { at: 14 * 3600, duration: 3 * 3600 },
      { at: 38 * 3600, duration: 3 * 3600 },
    ]);
    const inside = (k: number) => windows.some((w) => k * 3600 >= w.at && k * 3600 < w.at + w.duration);
    let compared = 0;
    for (let k = 0; k < hyb.run.intervals; k++) {
      if (inside(k)) continue;
      for (const key of ["present", "available", "busy", "held"] as const) {
        expect(Array.from(hyb.run.grid[key].subarray(k * G, (k + 1) * G))).toEqual(
          Array.from(fl.run.grid[key].subarray(k * G, (k + 1) * G)),
        );
      }
      compared++;
    }
    expect(compared).toBe(42);
  });

  it("totals are conserved: summary = sum of the rows, usage = statistics, requests accounted for", async () => {
    const { run, summary, files } = await runScenario(HYBRID);
    const out = files();
    const revenue = micro(parseCsv(out.get("summary.csv")!)[0].revenue_usd);
    const cost = micro(parseCsv(out.get("summary.csv")!)[0].cost_usd);
    expect(revenue).toBeGreaterThan(0);
    // Sums of the files' own digits, to the micro-dollar (as test/billing/conservation.test.ts).
    for (const name of ["revenue_by_model.csv", "tenants.csv", "margin.csv", "timeseries.csv"]) {
      const col = name === "tenants.csv" ? "billed_usd" : "revenue_usd";
      expect(sumColumn(parseCsv(out.get(name)!), col), name).toBe(revenue);
    }
    expect(sumColumn(parseCsv(out.get("revenue_by_model.csv")!), "cost_usd")).toBe(cost);
    let completed = 0;
    let output = 0;
    for (const u of run.usage.rows) {
      expect(Number.isInteger(u.requests) && Number.isInteger(u.outputTokens)).toBe(true);
      completed += u.requests;
      output += u.outputTokens;
    }
    expect(completed).toBe(summary.completed);
    expect(output).toBe(summary.outputTokens);
    expect(run.grid.outputTokens.reduce((a, b) => a + b, 0)).toBe(summary.outputTokens);
    expect(summary.requests).toBe(summary.completed + summary.rejected + summary.inFlight);
    // In flight: the horizon's backlog plus what the fluid model held at each window's start
    // (the request engine starts empty): a few seconds of arrivals, at most ~12 req/s here.
    expect(summary.inFlight).toBeLessThan(200);
  });

  it("a window's scenario keeps the diurnal phase and the growth of the whole run", async () => {
    const s = await loadScenario(scenarioPath(HYBRID));
    const at = 38 * 3600;
    const sub = windowScenario(s, { at, duration: 3 * 3600 });
    const a = s.tenants[0].workloads[0].arrival;
    const b = sub.tenants[0].workloads[0].arrival;
    if (a.process === "trace" || b.process === "trace") throw new Error("synthetic arrivals expected");
    const whole = new RateProfile(a, s.startMs);
    const part = new RateProfile(b, sub.startMs);
    for (const u of [0, 1234.5, 3 * 3600]) {
      expect(part.rate(u) / whole.rate(at + u) - 1).toBeLessThan(1e-12);
      expect(1 - part.rate(u) / whole.rate(at + u)).toBeLessThan(1e-12);
    }
    // Events before the window act at its start; the outage keeps what is left of it.
    expect(sub.events.map((e) => [e.type, e.at])).toEqual([
      ["price_change", 0],
      ["demand_change", 0],
      ["pool_outage", 0],
    ]);
    const outage = sub.events[2];
    expect(outage.type === "pool_outage" && outage.duration).toBe(3600);
    expect(sub.fleet.changes[0].at).toBe(0);
    expect(sub.horizon).toBe(3 * 3600);
    expect(sub.seed).not.toBe(s.seed);
  });
});

describe("hybrid multi-model-2025", () => {
  it("three days with the evening peak hour of each day request by request", async () => {
    // The year-long timing case (docs/fluid-mode.md) in short: the shipped scenario at its own
    // rates (about 16 requests/s), 3 days, one request-level hour a day at 16:00 UTC.
    const opts = {
      horizon: "3d",
      set: ["fluid.windows=[{every: 1d, offset: 16h, duration: 1h}]"],
    };
    const hyb = await runScenario("scenarios/multi-model-2025.yaml", { ...opts, fidelity: "hybrid" });
    const fl = await runScenario("scenarios/multi-model-2025.yaml", { ...opts, fidelity: "fluid" });
    const tenants = csvRows(hyb.files().get("tenants.csv")!);
    const flTenants = csvRows(fl.files().get("tenants.csv")!);
    for (const [i, row] of tenants.entries()) {
      if (Number(row.completed) === 0) continue;
      expect(row.ttft_p99_s, row.tenant).not.toBe("");
      expect(flTenants[i].ttft_p99_s).toBe("");
    }
    // 3 of 72 hours differ from the fluid run: the request engine's totals over them carry about
    // 0.3 % relative noise (about 1e5 requests), the fluid mode's bias is under 0.5 % (docs), so
    // the whole-run revenue agrees far within 1 %.
    expect(Math.abs(hyb.summary.revenue / fl.summary.revenue - 1)).toBeLessThan(0.01);
    expect(hyb.run.events).toBeGreaterThan(fl.run.events);
  });
});
