/**
 * A model's context length (`context_tokens`, vLLM's max_model_len): a request whose prompt +
 * output is longer is not served by that model. It goes down its fallback chain, else it is
 * rejected, in the request engine and in the fluid mode alike (test/fixtures/serving/context-limit.yaml).
 *
 * `mixed` draws prompts uniform on 1..4,000 and outputs uniform on 1..1,000: for an output o, the
 * prompts longer than 4,096 - o number o - 96 (o >= 97), so 1 + 2 + ... + 904 = 409,060 of the
 * 4,000,000 pairs are too long: P = 0.102265. The request engine's count of N is binomial
 * (standard error sqrt(N P (1 - P))); the test allows 4 standard errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LengthTail } from "../../src/fluid/length-tail.js";
import { normalTail } from "../../src/normal-tail.js";
import { confirmFleet } from "../../src/plan/confirm.js";
import { fleetSpace } from "../../src/plan/fleet-space.js";
import { modelScreens } from "../../src/plan/screen.js";
import { loadScenario } from "../../src/scenario/load.js";
import { lognormalParams } from "../../src/workload/token-sampler.js";
import { shippedModels } from "../fleet/helpers.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

const FIXTURE = "test/fixtures/serving/context-limit.yaml";
const P_MIXED = 409_060 / 4_000_000;

/** The fixture with a `models:` list (YAML flow text) added, written to a new folder as `name`. */
function withModels(name: string, models: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "fleetsim-ctx-")), name);
  writeFileSync(
    file,
    readFileSync(scenarioPath(FIXTURE), "utf8").replace("fleet:", `models: ${models}\nfleet:`),
  );
  return file;
}

/** The tenant's stats row (each tenant here sends one workload, so one row). */
function tenantRow(out: Awaited<ReturnType<typeof runScenario>>, tenant: string) {
  const ti = out.scenario.tenants.findIndex((t) => t.id === tenant);
  const rows = out.run.stats.filter((st) => st.tenantIndex === ti);
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe("context length, request engine", () => {
  it("serves exactly the context, rejects one token more, and fails over to a longer-context model", async () => {
    const out = await runScenario(FIXTURE);
    const exact = tenantRow(out, "exact");
    expect(exact.requests).toBeGreaterThan(30);
    expect(exact.rejected).toBe(0);
    expect(exact.completed + exact.inFlight).toBe(exact.requests);
    const over = tenantRow(out, "over");
    expect(over.requests).toBeGreaterThan(30);
    expect(over.rejected).toBe(over.requests);
    expect(over.rejectedTooLong).toBe(over.requests);
    expect(tenantRow(out, "fallback").rejectedTooLong).toBe(0);
    // the summary and the CSV files carry the count
    expect(out.summary.rejectedTooLong).toBe(out.summary.rejected);
    const csv = out.files().get("tenants.csv")!.split("\r\n");
    const header = csv[0].split(",");
    const overLine = csv.find((l) => l.startsWith("over,"))!.split(",");
    expect(overLine[header.indexOf("rejected_too_long")]).toBe(String(over.requests));
    // models.csv: every too-long request of the fixture asks for llama-2-7b
    const models = out.files().get("models.csv")!.split("\r\n");
    const mHeader = models[0].split(",");
    const llama2 = models.find((l) => l.startsWith("llama-2-7b,"))!.split(",");
    expect(llama2[mHeader.indexOf("rejected_too_long")]).toBe(String(out.summary.rejectedTooLong));
    const fallback = tenantRow(out, "fallback");
    expect(fallback.requests).toBeGreaterThan(30);
    expect(fallback.rejected).toBe(0);
    expect(fallback.failedOver).toBe(fallback.requests);
  });

  it("rejects the share of a length distribution longer than the context (within 4 standard errors)", async () => {
    const out = await runScenario(FIXTURE, { horizon: "2h" });
    const mixed = tenantRow(out, "mixed");
    const n = mixed.requests;
    expect(n).toBeGreaterThan(6_000);
    expect(Math.abs(mixed.rejected - n * P_MIXED)).toBeLessThan(4 * Math.sqrt(n * P_MIXED * (1 - P_MIXED)));
    // light load: every rejection is one too long for the model
    expect(mixed.rejectedTooLong).toBe(mixed.rejected);
  });

  it("a scenario's context_tokens overrides the catalog's (here: the fallback model cut to 4,096)", async () => {
    const out = await runScenario(withModels("ctx.yaml", "[{ id: llama-3.1-8b, context_tokens: 4096 }]"));
    const fallback = tenantRow(out, "fallback");
    expect(fallback.rejected).toBe(fallback.requests);
    expect(fallback.failedOver).toBe(0);
  });
});

describe("context length, fluid mode", () => {
  it("rejects the same share on arrival, and fails over the one-token-too-long requests whole", async () => {
    const out = await runScenario(FIXTURE, { horizon: "2h", fidelity: "fluid" });
    const mixed = tenantRow(out, "mixed");
    // the fluid counts are expected values rounded to whole requests
    expect(Math.abs(mixed.rejected - mixed.requests * P_MIXED)).toBeLessThanOrEqual(1);
    expect(mixed.rejectedTooLong).toBe(mixed.rejected);
    // the served requests are the short ones: their mean tokens are those of the pairs that fit
    let pairs = 0;
    let promptSum = 0;
    let outputSum = 0;
    for (let o = 1; o <= 1000; o++) {
      const top = Math.min(4000, 4096 - o); // prompts 1..top fit beside o output tokens
      pairs += top;
      promptSum += (top * (top + 1)) / 2;
      outputSum += top * o;
    }
    expect(pairs).toBe(4_000_000 - 409_060);
    // whole-token rounding of the fluid counts: well under 0.1 %
    expect(mixed.inputTokens / mixed.completed / (promptSum / pairs) - 1).toBeCloseTo(0, 3);
    expect(mixed.outputTokens / mixed.completed / (outputSum / pairs) - 1).toBeCloseTo(0, 3);
    expect(tenantRow(out, "exact").rejected).toBe(0);
    const over = tenantRow(out, "over");
    expect(over.rejected).toBe(over.requests);
    const fallback = tenantRow(out, "fallback");
    expect(fallback.rejected).toBe(0);
    expect(fallback.failedOver).toBe(fallback.requests);
  });
});

describe("KV memory, both engines", () => {
  it("a request longer than the fallback's KV memory is rejected there too (gpu_memory_utilization 0.22)", async () => {
    // 0.22 of an H100 leaves Llama 3.1 8B KV blocks for fewer than 4,097 tokens, Llama 2 7B for more
    for (const fidelity of ["request", "fluid"] as const) {
      const out = await runScenario(FIXTURE, { set: ["scheduler.gpu_memory_utilization=0.22"], fidelity });
      const fallback = tenantRow(out, "fallback");
      expect(fallback.rejected, fidelity).toBe(fallback.requests);
      expect(fallback.rejectedTooLong, fidelity).toBe(fallback.requests);
      expect(tenantRow(out, "exact").rejected, fidelity).toBe(0);
    }
  });
});

describe("rejections for capacity are not counted as too long", () => {
  it("the outage scenario rejects tens of thousands for want of replicas, none too long", async () => {
    for (const fidelity of ["request", "fluid"] as const) {
      const out = await runScenario("scenarios/model-outage-failover.yaml", { horizon: "16h", fidelity });
      expect(out.summary.rejected, fidelity).toBeGreaterThan(1_000);
      expect(out.summary.rejectedTooLong, fidelity).toBe(0);
    }
  });
});

describe("LengthTail: P(prompt + output > limit) on the engine's whole-token draws", () => {
  const longer = (tail: LengthTail, limit: number) => tail.band(limit, Number.POSITIVE_INFINITY).share;

  it("uniform x uniform exactly", () => {
    const tail = new LengthTail(
      { dist: "uniform", min: 1, max: 4000 },
      0,
      { dist: "uniform", min: 1, max: 1000 },
      0,
    );
    expect(longer(tail, 4096)).toBeCloseTo(P_MIXED, 12);
    expect(longer(tail, 5000)).toBe(0);
    expect(longer(tail, 1)).toBeCloseTo(1, 12);
  });

  it("empirical values, unsorted and repeated: the share of pairs counted by hand", () => {
    const file = join(mkdtempSync(join(tmpdir(), "fleetsim-ctx-")), "t.csv");
    writeFileSync(file, "tokens\n50\n4000\n300\n100\n300\n10\n");
    const tail = new LengthTail(
      { dist: "empirical", file, column: "tokens", max: null },
      0,
      { dist: "constant", value: 100, max: null },
      100,
    );
    // longer than 350 with 100 output tokens: the prompts of 4,000, 300 and 300 (3 of 6)
    expect(longer(tail, 350)).toBeCloseTo(0.5, 12);
    expect(longer(tail, 400)).toBeCloseTo(1 / 6, 12);
    expect(longer(tail, 4100)).toBe(0);
    // the same values as outputs behind 100-token prompts
    const swapped = new LengthTail(
      { dist: "constant", value: 100, max: null },
      100,
      { dist: "empirical", file, column: "tokens", max: null },
      0,
    );
    expect(longer(swapped, 350)).toBeCloseTo(0.5, 12);
    expect(longer(swapped, 400)).toBeCloseTo(1 / 6, 12);
    expect(longer(swapped, 4100)).toBe(0);
  });

  it("is 0 at exactly the limit and 1 one token below it", () => {
    const tail = new LengthTail(
      { dist: "constant", value: 4000, max: null },
      0,
      { dist: "constant", value: 96, max: null },
      0,
    );
    expect(longer(tail, 4096)).toBe(0);
    expect(longer(tail, 4095)).toBe(1);
    expect(longer(tail, Number.POSITIVE_INFINITY)).toBe(0);
  });

  it("exponential prompt + constant output: exp(-(L - c + 0.5) / mean)", () => {
    // a draw rounds to more than L - c tokens when the unrounded value is at least L - c + 0.5
    const tail = new LengthTail(
      { dist: "exponential", mean: 1000, max: null },
      1000,
      { dist: "constant", value: 200, max: null },
      200,
    );
    expect(longer(tail, 4096)).toBeCloseTo(Math.exp(-(4096 - 200 + 0.5) / 1000), 4);
  });

  it("lognormal output + constant prompt: the normal tail at (ln(L - c + 0.5) - mu) / sigma", () => {
    const { mu, sigma } = lognormalParams(300, 1500);
    const tail = new LengthTail(
      { dist: "constant", value: 3000, max: null },
      3000,
      { dist: "lognormal", median: 300, p90: 1500, max: null },
      0,
    );
    expect(longer(tail, 4096)).toBeCloseTo(normalTail((Math.log(4096 - 3000 + 0.5) - mu) / sigma), 4);
  });
});

describe("context_tokens in the catalog and the scenario", () => {
  it("every shipped model has a context length, and a source line naming it", () => {
    const text = readFileSync(scenarioPath("hardware-profiles/models.yaml"), "utf8");
    for (const m of shippedModels) {
      expect(m.contextTokens, m.id).toBeGreaterThanOrEqual(4096);
      expect(text, m.id).toMatch(
        new RegExp(
          `${m.contextTokens?.toLocaleString("en-US")}|${m.contextTokens}|${Math.round(m.contextTokens! / 1000)}K`,
        ),
      );
    }
    const ctx = (id: string) => shippedModels.find((m) => m.id === id)!.contextTokens;
    expect(ctx("llama-2-70b")).toBe(4096);
    expect(ctx("llama-3-70b")).toBe(8192);
    expect(ctx("llama-3.1-8b")).toBe(131072);
  });

  it("context_tokens must be a whole number of at least 1", async () => {
    const file = withModels("bad.yaml", "[{ id: llama-3.1-8b, context_tokens: 0 }]");
    await expect(loadScenario(file)).rejects.toThrow(/bad\.yaml:\d+ models\.0\.context_tokens: /);
  });
});

describe("fleetsim plan's confirmation", () => {
  it("says when requests too long for the model alone keep the attainment below the target", async () => {
    const s = await loadScenario(scenarioPath(FIXTURE));
    const target = (attainment: number) => ({
      tenant: "mixed",
      model: "llama-2-7b",
      ttftP99S: null,
      tpotP99Ms: null,
      attainment,
    });
    // about 10.2 % of mixed's requests are longer than 4,096 tokens: 0.95 cannot be met by any fleet
    const hard = await confirmFleet(s, [target(0.95)], { seeds: [1] });
    expect(hard.targets[0].missed).toMatch(
      /^attainment 0\.\d{4} < 0\.95 \(seed 1\); \d+ of its \d+ requests are longer than the model can hold, so no fleet meets it/,
    );
    // at 0.8 it is met, and nothing is said
    const easy = await confirmFleet(s, [target(0.8)], { seeds: [1] });
    expect(easy.targets[0].missed).toBeNull();
  });
});

describe("fleetsim plan's screen", () => {
  it("sizes a model for the requests it can hold: the too-long share is not its demand", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "fleetsim-ctx-")), "plan.yaml");
    const plan = [
      "plan:",
      "  pools:",
      "    - pool: h100",
      "      models: [{ model: llama-2-7b, max: 2 }, { model: llama-3.1-8b, max: 1 }]",
    ].join("\n");
    writeFileSync(file, `${readFileSync(scenarioPath(FIXTURE), "utf8")}\n${plan}\n`);
    const screens = await modelScreens(fleetSpace(await loadScenario(file)));
    const demand = screens.get("llama-2-7b")![0].parts.reduce((a, p) => a + p.demand[0], 0);
    // exact (0.05/s) and mixed (1/s, of which P_MIXED too long) stay; over and fallback
    // (0.05/s each, all one token too long) go elsewhere or nowhere
    expect(demand).toBeCloseTo(0.05 + 1 * (1 - P_MIXED), 9);
  });
});
