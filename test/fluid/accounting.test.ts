/**
 * What the fluid mode writes: whole-number usage consistent with its statistics, backlog and
 * rejections beyond the queue limit, price epochs switching at the step of the change, outages
 * failing over, and latency percentiles left empty (only means are known).
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { fullRequestsPerS } from "../../src/fleet/operating-point.js";
import { runScenario } from "../support/run-scenario.js";

const fluid = { fidelity: "fluid" as const };

describe("fluid accounting", () => {
  it("usage rows are whole numbers and add up to the statistics", async () => {
    const { run, summary } = await runScenario("test/fixtures/fluid/diurnal.yaml", fluid);
    let req = 0;
    let out = 0;
    for (const u of run.usage.rows) {
      for (const v of [u.requests, u.inputTokens, u.outputTokens, u.failedOver])
        expect(Number.isInteger(v)).toBe(true);
      req += u.requests;
      out += u.outputTokens;
    }
    expect(req).toBe(summary.completed);
    expect(out).toBe(summary.outputTokens);
    expect(run.grid.outputTokens.reduce((a, b) => a + b, 0)).toBe(summary.outputTokens);
    expect(summary.requests).toBe(summary.completed + summary.rejected + summary.inFlight);
    expect(run.events).toBe(24 * 60); // one-minute steps
  });

  it("overload: a bounded backlog, then rejections; completions at the full-replica rate", async () => {
    // One Cobalt replica of mistral-7b offered 3 requests/s for an hour, queue limit 100.
    const { run, summary } = await runScenario("test/fixtures/fluid/heavy.yaml", {
      ...fluid,
      horizon: "1h",
      set: [
        "fleet.pools.cpu.nodes=1",
        "fleet.pools.cpu.serves.0.nodes=1",
        "tenants.acme.workloads.0.arrival.rate_per_s=3",
        "scheduler.max_queue_per_replica=100",
        "scheduler.max_batch=64",
      ],
    });
    const g = run.topology.groups[0];
    const cap = fullRequestsPerS(
      g.curve,
      run.estimates[0].meanPromptTokens,
      run.estimates[0].meanOutputTokens,
    );
    expect(cap).toBeLessThan(3);
    expect(summary.requests).toBeCloseTo(3 * 3600, -1);
    // Completions: the replica runs full after the first step.
    expect(Math.abs(summary.completed / (cap * 3600) - 1)).toBeLessThan(0.02);
    // Held at most the max batch, queued at most 100: the rest was rejected.
    expect(summary.inFlight).toBeLessThanOrEqual(100 + g.curve.maxBatch + 1);
    expect(summary.rejected).toBe(summary.requests - summary.completed - summary.inFlight);
    expect(summary.rejected).toBeGreaterThan(0);
  });

  it("price epochs switch at the change, outages fail over", async () => {
    const { run, summary, scenario } = await runScenario("test/fixtures/fluid/outage.yaml", fluid);
    const big = scenario.models.findIndex((m) => m.id === "llama-3-70b");
    expect(run.priceEpochs[big]).toEqual([
      {
        input: scenario.models[big].price.inputUsdPerMtok,
        output: scenario.models[big].price.outputUsdPerMtok,
        cachedInput: scenario.models[big].price.inputUsdPerMtok, // none given: the input price
      },
      { input: 0.5, output: 0.9, cachedInput: 0.5 },
    ]);
    const bigRows = run.usage.rows.filter((u) => run.topology.groups[u.group].modelIndex === big);
    for (const u of bigRows) {
      expect(u.epoch).toBe(u.interval >= 18 ? 1 : 0);
      // Down from 08:00 to 12:00: nothing served there (the step at 12:00 starts it again).
      expect(u.interval >= 8 && u.interval < 12).toBe(false);
    }
    expect(summary.failedOver).toBeGreaterThan(0);
    expect(summary.interrupted).toBeGreaterThan(0);
    expect(summary.rejected).toBe(0);
  });

  it("percentiles stay empty in the output files; means are written", async () => {
    const r = await runScenario("test/fixtures/fluid/light.yaml", fluid);
    const files = r.files();
    const tenants = parse(String(files.get("tenants.csv")), { columns: true }) as Record<string, string>[];
    expect(tenants.length).toBe(1);
    for (const col of ["ttft_p50_s", "ttft_p99_s", "tpot_p50_ms", "tpot_p99_ms", "e2e_p50_s", "e2e_p99_s"]) {
      expect(tenants[0][col]).toBe("");
    }
    expect(Number(tenants[0].ttft_mean_s)).toBeGreaterThan(0);
    expect(Number(tenants[0].tpot_mean_ms)).toBeGreaterThan(0);
  });

  it("trace arrivals are refused with a located input error", async () => {
    await expect(
      runScenario("test/fixtures/fluid/light.yaml", {
        ...fluid,
        set: ['tenants.acme.workloads.0.arrival={"process":"trace","trace":{"file":"x.csv"}}'],
      }),
    ).rejects.toThrow(InputError);
  });
});
