/**
 * Load step (issue #24): demand for the one model doubles at T. The autoscaler sees the queue at
 * its next decision (every 15 s), asks for nodes (ready after the 2 min provisioning delay D),
 * loads weights on them (L = 4 GB / 4 GB/s + 29 s = 30 s), and the SLO comes back. Contract:
 * no capacity serves before T + D + L; the SLO is broken in between; requests arriving from
 * T + interval + D + L + 60 s (the stated tolerance: the backlog built meanwhile drains) meet it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { p99, runLogged } from "./support.js";

const T = 1200;
const D = 120;
const L = 30;
const INTERVAL = 15;
const TOLERANCE = 60;
const TTFT_SLO = 2;

describe("autoscaler: a load step", () => {
  let r: Awaited<ReturnType<typeof runLogged>>;
  beforeAll(async () => {
    r = await runLogged("test/fixtures/autoscaling/load-step.yaml");
  });

  it("does nothing before the step (stationary load inside the thresholds, at min_replicas)", () => {
    expect(r.events.filter((e) => e.time < T)).toEqual([]);
  });

  it("asks for nodes at its first decision after the step, and no replica serves before T + D + L", () => {
    const provision = r.events.filter((e) => e.action === "provision");
    expect(provision.length).toBeGreaterThan(0);
    expect(provision[0].time).toBeGreaterThanOrEqual(T);
    expect(provision[0].time).toBeLessThanOrEqual(T + INTERVAL);
    const ready = r.events.filter((e) => e.action === "ready");
    expect(ready.length).toBeGreaterThan(0);
    for (const e of ready) expect(e.time).toBeGreaterThanOrEqual(T + D + L - 1e-9);
    expect(ready[0].time).toBeCloseTo(provision[0].time + D + L, 6);
  });

  it("the SLO is broken until the new capacity serves, and met again within the stated tolerance", () => {
    const ttftOf = (from: number, to: number) =>
      r.log
        .filter((x) => x.outcome === "completed" && x.arrival >= from && x.arrival < to)
        .map((x) => x.firstToken - x.arrival);
    const before = ttftOf(0, T);
    const gap = ttftOf(T + 60, T + D);
    const after = ttftOf(T + INTERVAL + D + L + TOLERANCE, 2100);
    expect(p99(before)).toBeLessThanOrEqual(TTFT_SLO);
    expect(p99(gap)).toBeGreaterThan(TTFT_SLO);
    expect(after.length).toBeGreaterThan(20_000);
    expect(p99(after)).toBeLessThanOrEqual(TTFT_SLO);
  });

  it("timeseries.csv shows the cold start: TTFT misses in the step's interval only, as many as the request log has", () => {
    const rows = r.files().get("timeseries.csv")!.trim().split("\n");
    const head = rows[0].split(",");
    const cells = rows.slice(1).map((l) => l.split(","));
    const missed = cells.map((c) => Number(c[head.indexOf("ttft_slo_missed")]));
    const mean = cells.map((c) => Number(c[head.indexOf("ttft_mean_s")]));
    const step = T / r.scenario.reportInterval; // the 5-minute interval starting at T
    missed.forEach((m, k) => {
      if (k !== step) expect(m, `interval ${k}`).toBe(0);
    });
    expect(missed[step]).toBeGreaterThan(1000);
    expect(mean[step]).toBeGreaterThan(10 * mean[step - 1]);
    const logged = r.log.filter(
      (x) => x.outcome === "completed" && x.firstToken - x.arrival > TTFT_SLO,
    ).length;
    expect(missed.reduce((a, b) => a + b, 0)).toBe(logged);
  });

  it("bills provisioned nodes from the request to the release: node-hours = the log's integral of nodes", () => {
    let nodes = 2;
    let at = 0;
    let area = 0;
    for (const e of r.events) {
      if (e.action !== "provision" && e.action !== "release") continue;
      area += nodes * (e.time - at);
      at = e.time;
      nodes = e.to;
    }
    area += nodes * (r.scenario.horizon - at);
    const nodeSeconds = r.fin.poolCosts.reduce((a, c) => a + c.nodeSeconds, 0);
    expect(nodeSeconds).toBeCloseTo(area, 3);
    expect(r.events.some((e) => e.action === "release")).toBe(true);
  });
});
