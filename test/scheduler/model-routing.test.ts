/**
 * scheduler.model_routing (test/fixtures/routing/model-routing.yaml): gpt-4o split 30 / 70 between
 * the Maia pool (by kind) and us-h100 (by id); llama-3.1-70b's prompts above 2048 tokens to us-h200,
 * the others to us-h100.
 *
 * Shares: each arrival picks a pool with probability p, so a pool's count of N requests is
 * binomial, standard error sqrt(N p (1 - p)); the test allows 4 standard errors.
 * Fluid against request: per-pool token totals. Over 48 h (about 173,000 requests per model) the
 * request engine's totals are random with relative standard error about sqrt(1 + cv^2 / N_pool):
 * the smallest pool total (llama's long prompts, about 44,000 requests, prompt cv about 0.8 above
 * the threshold) gives about 0.6 %, so 2 % is more than 3 standard errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeFinancials } from "../../src/billing/financials.js";
import { summarize } from "../../src/billing/summary.js";
import { planRun } from "../../src/contract/plan.js";
import type { RequestRecord } from "../../src/contract/request-log.js";
import type { RunResult } from "../../src/contract/run-result.js";
import { resultFiles } from "../../src/output/write-results.js";
import { createRun } from "../../src/request/simulation.js";
import { simulate } from "../../src/run/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";
import { cli } from "../support/cli.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

const FIXTURE = "test/fixtures/routing/model-routing.yaml";

/** Per "pool/model": requests, prompt tokens and output tokens served, from the usage rows. */
function perPool(run: RunResult): Map<string, { requests: number; input: number; output: number }> {
  const out = new Map<string, { requests: number; input: number; output: number }>();
  for (const u of run.usage.rows) {
    const g = run.topology.groups[u.group];
    const key = `${g.pool.id}/${run.scenario.models[g.modelIndex].id}`;
    const v = out.get(key) ?? { requests: 0, input: 0, output: 0 };
    v.requests += u.requests;
    v.input += u.inputTokens;
    v.output += u.outputTokens;
    out.set(key, v);
  }
  return out;
}

/** Every request that left the run (completed or rejected), with its pool id ("" when rejected). */
async function requestLog(opts: Parameters<typeof loadScenario>[1] = {}) {
  const s = await loadScenario(scenarioPath(FIXTURE), opts);
  const rows: Array<{ workload: number; pool: string; prompt: number; outcome: string }> = [];
  const log = {
    add(r: RequestRecord) {
      rows.push({
        workload: r.workload,
        pool: r.pool < 0 ? "" : s.fleet.pools[r.pool].id,
        prompt: r.promptTokens,
        outcome: r.outcome,
      });
    },
  };
  await createRun(s, await planRun(s), null).execute({ requestLog: log as never });
  return rows;
}

describe("model_routing", () => {
  it("shares: each pool receives its share of the model's requests (within 4 standard errors)", async () => {
    const rows = await requestLog({ horizon: "6h" });
    const gpt = rows.filter((r) => r.workload === 0);
    expect(gpt.every((r) => r.outcome === "completed")).toBe(true);
    const n = gpt.length;
    expect(n).toBeGreaterThan(20_000);
    for (const [pool, p] of [
      ["us-maia", 0.3],
      ["us-h100", 0.7],
    ] as const) {
      const k = gpt.filter((r) => r.pool === pool).length;
      expect(Math.abs(k - n * p), pool).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    }
  });

  it("by prompt length: every prompt above the threshold on the long pool, none at or below it", async () => {
    const rows = await requestLog({ horizon: "2h" });
    const llama = rows.filter((r) => r.workload === 1);
    expect(llama.every((r) => r.outcome === "completed")).toBe(true);
    const long = llama.filter((r) => r.prompt > 2048);
    expect(long.length).toBeGreaterThan(500);
    expect(long.every((r) => r.pool === "us-h200")).toBe(true);
    expect(llama.filter((r) => r.prompt <= 2048).every((r) => r.pool === "us-h100")).toBe(true);
    // The boundary: a threshold equal to a constant prompt keeps it short.
    const at = await requestLog({
      horizon: "10m",
      set: ["tenants.lab.workloads.1.prompt_tokens={dist: constant, value: 2048}"],
    });
    expect(at.filter((r) => r.workload === 1).every((r) => r.pool === "us-h100")).toBe(true);
  });

  it("a pool with no replica in service sends its share to the model's other pools", async () => {
    const rows = await requestLog({
      horizon: "2h",
      set: ["events=[{at: 0s, type: pool_outage, pool: us-maia, duration: 1h}]"],
    });
    const gpt = rows.filter((r) => r.workload === 0);
    expect(gpt.every((r) => r.outcome === "completed")).toBe(true);
    // Nothing on Maia during the outage (arrivals in the first hour), ~30 % after.
    const onMaia = gpt.filter((r) => r.pool === "us-maia").length;
    expect(onMaia / gpt.length).toBeGreaterThan(0.1);
    expect(onMaia / gpt.length).toBeLessThan(0.2);
    // The fluid mode does the same: Maia's share goes to us-h100 while Maia is down.
    const { run, summary } = await runScenario(FIXTURE, {
      horizon: "2h",
      fidelity: "fluid",
      set: ["events=[{at: 0s, type: pool_outage, pool: us-maia, duration: 1h}]"],
    });
    expect(summary.rejected).toBe(0);
    const pools = perPool(run);
    const maia = pools.get("us-maia/gpt-4o")!.requests;
    const all = maia + pools.get("us-h100/gpt-4o")!.requests;
    expect(maia / all).toBeGreaterThan(0.1);
    expect(maia / all).toBeLessThan(0.2);
  });

  // Observed (seed 11), fluid against request, requests / input / output tokens:
  //   us-maia/gpt-4o -0.03 / -1.17 / -0.29 %, us-h100/gpt-4o +0.20 / +0.07 / -0.14 %,
  //   us-h100/llama-3.1-70b +0.10 / -0.15 / -0.15 %, us-h200/llama-3.1-70b +0.16 / +0.40 / -0.58 %.
  // Hybrid (3-hour request windows daily) lies within 1.4 % too.
  const HYBRID = [
    "fidelity=hybrid",
    "fluid.step=1m",
    "fluid.windows=[{every: 1d, offset: 14h, duration: 3h}]",
  ];
  for (const [mode, opts] of [
    ["fluid", { fidelity: "fluid" as const }],
    ["hybrid", { set: HYBRID }],
  ] as const) {
    it(`the ${mode} mode splits as the request engine does: per-pool tokens within 2 %`, async () => {
      const req = perPool((await runScenario(FIXTURE, { horizon: "48h" })).run);
      const flu = perPool((await runScenario(FIXTURE, { horizon: "48h", ...opts })).run);
      expect([...flu.keys()].sort()).toEqual([...req.keys()].sort());
      for (const [key, r] of req) {
        const f = flu.get(key)!;
        expect(Math.abs(f.input / r.input - 1), `${key} input`).toBeLessThan(0.02);
        expect(Math.abs(f.output / r.output - 1), `${key} output`).toBeLessThan(0.02);
        expect(Math.abs(f.requests / r.requests - 1), `${key} requests`).toBeLessThan(0.02);
      }
    });
  }

  it("gives the same files on 1 and 2 threads", async () => {
    const s = await loadScenario(scenarioPath(FIXTURE), { horizon: "1h" });
    const files = (run: RunResult) => {
      const fin = computeFinancials(run);
      const out = resultFiles(run, fin, summarize(run, fin));
      out.set(
        "summary.json",
        out.get("summary.json")!.replace(/"(wall_seconds|events_per_second)": [^,\n]+/g, '"$1": 0'),
      );
      return out;
    };
    const one = files(await simulate(s, { workers: 1 }));
    const two = files(await simulate(s, { workers: 2 }));
    expect([...two.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [name, content] of one) expect(two.get(name), name).toBe(content);
  });
});

describe("model_routing: bad input (exit 2, file:line and field)", () => {
  const source = readFileSync(scenarioPath(FIXTURE), "utf8");
  const dir = mkdtempSync(join(tmpdir(), "model-routing-"));
  const cases: Array<{ name: string; from: string; to: string; expected: RegExp }> = [
    {
      name: "shares not summing to 1",
      from: "maia: 0.3, us-h100: 0.7",
      to: "maia: 0.3, us-h100: 0.6",
      expected: /:47 scheduler\.model_routing\.0\.shares: shares must sum to 1/,
    },
    {
      name: "an unknown pool",
      from: "maia: 0.3, us-h100: 0.7",
      to: "maia: 0.3, us-h10: 0.7",
      expected: /:47 scheduler\.model_routing\.0\.shares\.us-h10: unknown pool or pool kind "us-h10"/,
    },
    {
      name: "a pool that does not serve the model",
      from: "maia: 0.3, us-h100: 0.7",
      to: "maia: 0.3, us-h200: 0.7",
      expected: /:47 scheduler\.model_routing\.0\.shares\.us-h200: pool us-h200 does not serve model gpt-4o/,
    },
    {
      name: "a kind with no pool serving the model",
      from: "short: us-h100, long: us-h200",
      to: "short: cobalt, long: us-h200",
      expected:
        /:49 scheduler\.model_routing\.1\.by_prompt_length\.short: no cobalt pool serves model llama-3.1-70b/,
    },
    {
      name: "both shares and by_prompt_length",
      from: "      shares: { maia: 0.3, us-h100: 0.7 }",
      to: "      shares: { maia: 0.3, us-h100: 0.7 }\n      by_prompt_length: { threshold: 10, short: us-h100, long: maia }",
      expected: /:46 scheduler\.model_routing\.0: give shares or by_prompt_length, not both/,
    },
    {
      name: "a pool named twice (by id and by its kind)",
      from: "maia: 0.3, us-h100: 0.7",
      to: "maia: 0.3, us-maia: 0, us-h100: 0.7",
      expected: /:47 scheduler\.model_routing\.0\.shares\.us-maia: pool us-maia is already named by "maia"/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(source).toContain(c.from);
      const file = join(dir, `${c.name.replace(/\W+/g, "-")}.yaml`);
      writeFileSync(file, source.replace(c.from, c.to));
      const res = cli(["validate", file]);
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(c.expected);
      expect(res.stderr).toContain(file);
      expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
});
