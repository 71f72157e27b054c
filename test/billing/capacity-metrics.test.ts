/**
 * Capacity metrics that follow load (docs/outputs.md, "Utilisation"): halving the offered load on a
 * fixed fleet halves `utilization` while `busy_fraction` barely moves, and energy falls between the
 * idle bound and the proportional one; tenant-shift's utilisation and energy fall after its shift.
 */
import { describe, expect, it } from "vitest";
import { computeFinancials } from "../../src/billing/financials.js";
import { summarize } from "../../src/billing/summary.js";
import type { RequestRecord } from "../../src/contract/request-log.js";
import { simulate } from "../../src/run/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";
import { parseCsv } from "./csv-helpers.js";

const STEADY = "test/fixtures/metrics/steady-load.yaml";
const RATE = "tenants.chat.workloads.w.arrival.rate_per_s";

async function marginRow(rate: number) {
  const r = await runScenario(STEADY, { set: [`${RATE}=${rate}`] });
  const row = parseCsv(r.files().get("margin.csv")!)[0];
  const summary = parseCsv(r.files().get("summary.csv")!)[0];
  const profile = r.scenario.profiles.find((p) => p.id === row.profile)!;
  // Energy with every node idle for the hour: the floor no load can go under.
  const idleKwh = (profile.powerW.idle / 1000) * Number(row.node_hours) * r.scenario.billing.pue;
  return { row, summary, idleKwh };
}

describe("capacity metrics under half the load", () => {
  it("halve utilization, leave busy_fraction near 1, and cut energy between the idle and proportional bounds", async () => {
    const full = await marginRow(24);
    const half = await marginRow(12);
    const u = (x: typeof full) => Number(x.row.utilization);
    // Noise: about 86,000 and 43,000 requests whose output tokens have cv^2 = 0.8 (lognormal,
    // p90/median = 2.67): the relative sd of each token total is below sqrt(1.8 / 43,000) = 0.0065,
    // of their ratio below 0.009; 0.03 is over 3 sd.
    expect(Math.abs(u(half) / u(full) - 0.5)).toBeLessThan(0.03);
    expect(u(full)).toBeGreaterThan(0.02);
    // Under continuous batching both loads keep every replica holding a request nearly always.
    expect(Number(full.row.busy_fraction)).toBeGreaterThan(0.98);
    expect(Math.abs(Number(full.row.busy_fraction) - Number(half.row.busy_fraction))).toBeLessThan(0.02);
    // MFU follows the tokens too.
    expect(
      Math.abs(Number(half.row.compute_utilization) / Number(full.row.compute_utilization) - 0.5),
    ).toBeLessThan(0.03);
    // The summary's headline is the fleet's (one pool here: the same figure).
    expect(Number(full.summary.utilization)).toBeCloseTo(u(full), 6);

    const e = (x: typeof full) => Number(x.row.energy_kwh);
    const idle = full.idleKwh;
    expect(half.idleKwh).toBeCloseTo(idle, 9);
    expect(e(half)).toBeLessThan(e(full));
    expect(e(half)).toBeGreaterThan(idle);
    // Not below the proportional bound: the dynamic part at most halves (within the noise above).
    expect(e(half)).toBeGreaterThan(e(full) / 2);
    expect(Math.abs((e(half) - idle) / (e(full) - idle) - 0.5)).toBeLessThan(0.03);
    expect(Number(half.row.energy_usd)).toBeLessThan(Number(full.row.energy_usd));
  });
});

describe("tenant-shift answers its question", () => {
  it("utilisation and energy fall after the lab moves 40 % of its load away; busy time does not", async () => {
    // The scenario's year shortened to four weeks with the shift at two weeks, the fluid mode only.
    const r = await runScenario("scenarios/tenant-shift.yaml", {
      horizon: "28d",
      fidelity: "fluid",
      set: ["events.0.at=336h"],
    });
    const rows = parseCsv(r.files().get("timeseries.csv")!);
    const shiftMs = r.scenario.startMs + 336 * 3600 * 1000;
    const sums = (after: boolean) => {
      const s = { tokens: 0, energy: 0, busy: 0, n: 0, capacity: 0 };
      for (const row of rows) {
        if (Date.parse(row.period_start) >= shiftMs !== after) continue;
        s.tokens += Number(row.output_tokens);
        s.energy += Number(row.energy_kwh);
        s.busy += Number(row.busy_fraction);
        // Tokens / utilization = the saturated capacity behind the row.
        if (Number(row.utilization) > 0) s.capacity += Number(row.output_tokens) / Number(row.utilization);
        s.n++;
      }
      return s;
    };
    const before = sums(false);
    const after = sums(true);
    expect(before.n).toBe(after.n);
    const uBefore = before.tokens / before.capacity;
    const uAfter = after.tokens / after.capacity;
    expect(uAfter).toBeLessThan(0.85 * uBefore);
    expect(after.energy).toBeLessThan(0.95 * before.energy);
    expect(Math.abs(after.busy / after.n - before.busy / before.n)).toBeLessThan(0.01);
  });
});

describe("headroom (capacity.csv)", () => {
  it("estimates the load at which the mean latency reaches the SLO, as a request-level run measures it", async () => {
    const base = await runScenario(STEADY, { horizon: "10m" });
    const row = parseCsv(base.files().get("capacity.csv")!)[0];
    const peak = Number(row.peak_requests_per_s);
    const max = Number(row.est_max_requests_per_s_within_slo);
    expect(Number(row.est_headroom)).toBeCloseTo(max / peak - 1, 3); // cells of 4 and 6 decimals
    expect(max).toBeLessThan(Number(row.saturated_requests_per_s));
    const at = async (rate: number) => {
      const r = await runScenario(STEADY, { horizon: "10m", set: [`${RATE}=${rate}`] });
      const t = parseCsv(r.files().get("tenants.csv")!)[0];
      return { attainment: Number(t.slo_attainment), tpotMs: Number(t.tpot_mean_ms) };
    };
    const tpotSloMs = Number(row.slo_tpot_ms);
    // Well inside the estimate: the SLO holds for nearly every request.
    const inside = await at(0.8 * max);
    expect(inside.attainment).toBeGreaterThan(0.95);
    // At the estimate the mean TPOT is at the SLO (the binding limit here), so about half miss.
    const edge = await at(max);
    expect(Math.abs(edge.tpotMs / tpotSloMs - 1)).toBeLessThan(0.1);
    expect(edge.attainment).toBeLessThan(0.9);
    // Beyond it the SLO is broken for most requests.
    expect((await at(1.15 * max)).attainment).toBeLessThan(0.5);
  });
});

describe("KV-cache utilisation", () => {
  it("integrates the KV bytes requests hold: Little's law over the request log, and half the load holds half", async () => {
    const scenario = await loadScenario(scenarioPath(STEADY), { horizon: "20m" });
    const held: RequestRecord[] = [];
    const run = await simulate(scenario, { requestLog: { add: (r) => held.push(r) } });
    const fin = computeFinancials(run);
    const g = run.topology.groups[0];
    const kvPerToken = g.model.kvBytesPerToken;
    // Each completed request held (prompt + output) x KV bytes per token from admission to its end.
    const fromLog = held
      .filter((r) => r.outcome === "completed")
      .reduce((a, r) => a + (r.promptTokens + r.outputTokens) * kvPerToken * (r.end - r.admitted), 0);
    const measured = fin.use.reduce((a, u) => a + u.kvByteSeconds, 0);
    // Requests still held at the horizon (a few seconds' worth out of 20 minutes) are in `measured` only.
    expect(measured).toBeGreaterThanOrEqual(fromLog);
    expect(measured / fromLog - 1).toBeLessThan(0.01);
    const summary = summarize(run, fin);
    const capacity = g.curve.kvCapacityBytes * fin.use.reduce((a, u) => a + u.availableReplicaSeconds, 0);
    expect(summary.kvUtilization).toBeCloseTo(measured / capacity, 12);
    expect(summary.kvPeakUtilization!).toBeGreaterThan(summary.kvUtilization!);
    expect(summary.kvPeakUtilization!).toBeLessThanOrEqual(1);

    const half = await runScenario(STEADY, { horizon: "20m", set: [`${RATE}=12`] });
    // Held requests follow the arrival rate (Little's law, with time in system nearly unchanged).
    expect(Math.abs(half.summary.kvUtilization! / summary.kvUtilization! - 0.5)).toBeLessThan(0.05);
  });

  it("is left empty where it is not measured (fluid)", async () => {
    const r = await runScenario(STEADY, { horizon: "20m", fidelity: "fluid" });
    expect(r.summary.kvUtilization).toBeNull();
    expect(r.summary.kvPeakUtilization).toBeNull();
  });
});

describe("memory-bandwidth utilisation", () => {
  it("counts the weights once per decode step and prefill, and every context a decode step reads", async () => {
    const scenario = await loadScenario(scenarioPath(STEADY), { horizon: "20m" });
    const log: RequestRecord[] = [];
    const run = await simulate(scenario, { requestLog: { add: (r) => log.push(r) } });
    const fin = computeFinancials(run);
    const g = run.topology.groups[0];
    const done = log.filter((r) => r.outcome === "completed");
    // The contexts read: request with prompt P and n output tokens reads P + i tokens at decode step i.
    const kvRead = done.reduce(
      (a, r) =>
        a +
        g.model.kvBytesPerToken *
          ((r.outputTokens - 1) * r.promptTokens + (r.outputTokens * (r.outputTokens - 1)) / 2),
      0,
    );
    const steps = run.grid.decodeSteps.reduce((a, v) => a + v, 0);
    expect(Math.abs(run.grid.kvReadBytes.reduce((a, v) => a + v, 0) / kvRead - 1)).toBeLessThan(1e-9);
    // Each decode step gives every request in it one token: the tokens decoded over the steps is
    // the mean decoding batch, between 1 and the batch cap, and near the mean requests held.
    const decoded = done.reduce((a, r) => a + r.outputTokens - 1, 0);
    const batch = decoded / steps;
    expect(batch).toBeGreaterThan(1);
    expect(batch).toBeLessThanOrEqual(g.curve.maxBatch);
    const held = run.grid.held.reduce((a, v) => a + v, 0) / run.grid.busy.reduce((a, v) => a + v, 0);
    expect(Math.abs(batch / held - 1)).toBeLessThan(0.15);
    const use = fin.use.reduce((a, u) => ({ bytes: a.bytes + u.bytesRead, peak: a.peak + u.peakBytes }), {
      bytes: 0,
      peak: 0,
    });
    const weights = g.model.paramsB * 1e9 * g.model.bytesPerParam;
    expect(Math.abs(use.bytes / (weights * (steps + done.length) + kvRead) - 1)).toBeLessThan(1e-9);
    const summary = summarize(run, fin);
    expect(summary.memoryBandwidthUtilization).toBeCloseTo(use.bytes / use.peak, 12);
    expect(summary.memoryBandwidthUtilization!).toBeGreaterThan(0);
    expect(summary.memoryBandwidthUtilization!).toBeLessThan(1);
    // Half the load: fewer bytes, but not half (the weights are read per step whatever the batch).
    const half = await runScenario(STEADY, { horizon: "20m", set: [`${RATE}=12`] });
    const ratio = half.summary.memoryBandwidthUtilization! / summary.memoryBandwidthUtilization!;
    expect(ratio).toBeLessThan(1);
    expect(ratio).toBeGreaterThan(0.5);
  });
});
