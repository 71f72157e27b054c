import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { fixtureOpts, SCENARIOS } from "./helpers.js";

const MINIMAL_FILE = join(SCENARIOS, "minimal.yaml");
const FULL_FILE = join(SCENARIOS, "full.yaml");

describe("a minimal scenario gets every default", () => {
  it("fills the top level, scheduler and billing", async () => {
    const s = await loadScenario(MINIMAL_FILE, fixtureOpts);
    expect(s.file).toBe(MINIMAL_FILE);
    expect(s.fileHash).toBe(createHash("sha256").update(readFileSync(MINIMAL_FILE)).digest("hex"));
    expect(s.description).toBe("");
    expect(s.seed).toBe(1);
    expect(s.startMs).toBe(Date.parse("2025-01-01T00:00:00Z"));
    expect(s.horizon).toBe(86_400);
    expect(s.reportInterval).toBe(3_600);
    expect(s.fidelity).toBe("request");
    expect(s.regions).toEqual([]);
    expect(s.fleet.changes).toEqual([]);
    expect(s.events).toEqual([]);
    expect(s.scheduler).toEqual({
      routing: "least_loaded",
      // SGLang's cache-aware router defaults (SGLang Model Gateway documentation)
      prefixAffinity: {
        cacheThreshold: 0.3,
        balanceAbsThreshold: 64,
        balanceRelThreshold: 1.5,
        indexTokens: null,
      },
      // Dynamo's KV router defaults (overlap_score_weight, router_temperature)
      kvAware: { overlapWeight: 1, temperature: 0 },
      modelRouting: [],
      maxQueuePerReplica: 1000,
      batching: "continuous",
      maxBatch: null,
      prefill: "chunked",
      // vLLM's defaults depend on each pool's hardware (test/fleet/vllm-defaults.test.ts); its block size
      maxNumBatchedTokens: null,
      maxNumSeqs: null,
      blockSize: 16,
      gpuMemoryUtilization: 0.9,
      // vLLM's default preemption mode
      preemption: "recompute",
      // vLLM V1's default: no cap on one request's tokens in a step beyond the budget
      longPrefillTokenThreshold: 0,
      swapSpaceBytes: null,
    });
    expect(s.billing).toEqual({ energyUsdPerKwh: 0.08, pue: 1.2, amortizationYears: 5, spotDiscount: 0.6 });
  });

  it("fills pools, tenants and workloads", async () => {
    const s = await loadScenario(MINIMAL_FILE, fixtureOpts);
    expect(s.fleet.pools).toEqual([
      {
        id: "pool-a",
        profile: "fx-h100",
        region: "default",
        nodes: 10,
        serves: [{ model: "fx-llama-70b", nodes: 10 }],
        reservedFor: null,
        scaling: null,
      },
    ]);
    expect(s.tenants).toEqual([
      {
        id: "acme",
        kind: "enterprise",
        contract: { type: "token", discount: 0, committedUsd: 0, sla: null },
        workloads: [
          {
            id: "0",
            model: "fx-llama-70b",
            region: null,
            arrival: { process: "poisson", ratePerS: 5, diurnal: null, growthPerMonth: 0 },
            promptTokens: { dist: "constant", value: 100, max: null },
            outputTokens: { dist: "exponential", mean: 50, max: null },
            prefix: null,
            slo: null,
            fallback: [],
          },
        ],
      },
    ]);
  });

  it("takes referenced models from the catalog and keeps every loaded profile", async () => {
    const s = await loadScenario(MINIMAL_FILE, fixtureOpts);
    expect(s.models.map((m) => m.id)).toEqual(["fx-llama-70b"]);
    expect(s.models[0]).toEqual({
      id: "fx-llama-70b",
      owner: "meta",
      paramsB: 70,
      activeParamsB: 70, // defaults to params_b
      bytesPerParam: 2,
      kvBytesPerToken: 327_680,
      acceleratorsPerReplica: 4,
      price: { inputUsdPerMtok: 0.7, outputUsdPerMtok: 0.9 },
      ownerRevenueShare: 0, // default
    });
    expect(s.profiles.map((p) => p.id).sort()).toEqual(["fx-cobalt", "fx-h100"]);
  });

  it("records the line of every field", async () => {
    const s = await loadScenario(MINIMAL_FILE, fixtureOpts);
    expect(s.lines["name"]).toBe(1);
    expect(s.lines["fleet.pools.0"]).toBe(5);
    expect(s.lines["fleet.pools.0.serves.0.model"]).toBe(9);
    expect(s.lines["tenants.0.workloads.0.output_tokens.mean"]).toBe(16);
  });
});

describe("a full scenario resolves every section", () => {
  it("converts units and sorts the timeline", async () => {
    const s = await loadScenario(FULL_FILE, fixtureOpts);
    expect(s.startMs).toBe(Date.parse("2025-03-01T06:00:00Z"));
    expect([s.seed, s.horizon, s.reportInterval, s.fidelity]).toEqual([42, 30 * 86_400, 900, "hybrid"]);
    // changes sorted by time, ties kept in file order; an omitted model is the pool's only one
    expect(s.fleet.changes).toEqual([
      { at: 864_000, pool: "eu-cpu", model: "fx-small", deltaNodes: 2 },
      { at: 864_000, pool: "us-h100", model: "fx-moe", deltaNodes: 5 },
      { at: 1_728_000, pool: "us-h100", model: "fx-llama-70b", deltaNodes: -10 },
    ]);
    expect(s.events.map((e) => [e.at, e.type])).toEqual([
      [604_800, "demand_change"],
      [864_000, "model_outage"],
      [864_000, "price_change"],
      [1_036_800, "pool_outage"],
      [15_552_000, "tenant_shift"], // past the horizon: allowed, never fires
    ]);
    expect(s.events[3]).toEqual({
      at: 1_036_800,
      type: "pool_outage",
      pool: "us-h100",
      duration: 7200,
      fraction: 1,
    });
    expect(s.events[2]).toMatchObject({ inputUsdPerMtok: null, outputUsdPerMtok: 1 });
  });

  it("resolves arrivals, trace options and file paths", async () => {
    const s = await loadScenario(FULL_FILE, fixtureOpts);
    const [chat, csv, jsonl] = s.tenants[0].workloads;
    expect(chat.arrival).toEqual({
      process: "mmpp",
      ratePerS: 10,
      onMean: 300,
      offMean: 90,
      diurnal: { peakToTrough: 2.5, peakHourUtc: 15 },
      growthPerMonth: 0.05,
    });
    expect(chat.promptTokens).toEqual({ dist: "lognormal", median: 1020, p90: 4200, max: 8000 });
    expect(chat.slo).toEqual({ ttftS: 2, tpotMs: 100 });
    expect(csv.id).toBe("1");
    expect(csv.arrival).toEqual({
      process: "trace",
      trace: {
        file: join(SCENARIOS, "trace.csv"),
        format: "csv",
        timestampColumn: "TIMESTAMP",
        promptColumn: "ContextTokens",
        outputColumn: "GeneratedTokens",
        timestampUnit: "datetime",
        timeScale: 2,
        loop: true,
        offset: 3600,
        prefixColumn: null,
        prefixBlockTokens: 512,
      },
    });
    expect(csv.promptTokens).toBeNull();
    expect(jsonl.arrival).toMatchObject({
      trace: {
        format: "jsonl",
        timestampColumn: "timestamp",
        promptColumn: "input_length",
        timestampUnit: "ms",
        prefixColumn: "hash_ids",
        prefixBlockTokens: 512,
      },
    });
    expect(s.tenants[1].workloads[0].promptTokens).toEqual({
      dist: "empirical",
      file: join(SCENARIOS, "tokens.csv"),
      column: "tokens",
      max: null,
    });
    expect(s.tenants[1].contract.type).toBe("capacity");
    expect(s.tenants[0].contract).toEqual({
      type: "token",
      discount: 0.15,
      committedUsd: 1000,
      sla: { target: 0.99, credit: 0.1 },
    });
  });
});
