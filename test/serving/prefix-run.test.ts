/**
 * Prefix caching in whole runs: the hit rate in summary.csv, tenants.csv and the summary text
 * (through the CLI), the cached tokens billed at the cached-input price, the fluid engine's
 * steady-state hit for a fixed prefix, and the errors of bad prefix input (exit 2, file, line and
 * field, nothing written).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { steadyPrefixHitTokens } from "../../src/fleet/prefix-cache.js";
import { parseCsv } from "../billing/csv-helpers.js";
import { cli } from "../support/cli.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

const FIXTURE = "test/fixtures/serving/prefix-8b.yaml";
const REPLICAS = 8; // one H100 node, one GPU per replica

describe("prefix caching in a run", () => {
  it("counts each tenant's cached prompt tokens: the prefix's blocks, except the first of each prefix on a replica", async () => {
    const { scenario, run, summary } = await runScenario(FIXTURE);
    const byTenant = (id: string) => {
      const ti = scenario.tenants.findIndex((t) => t.id === id);
      return run.stats.find((x) => x.tenantIndex === ti)!;
    };
    for (const [id, prompt, prefix, groups] of [
      ["chat", 1000, 800, 1],
      ["batch", 3000, 2048, 4],
    ] as const) {
      const st = byTenant(id);
      const hit = steadyPrefixHitTokens(prefix, prompt, 16);
      expect(st.completed).toBeGreaterThan(300);
      expect(st.cachedInputTokens % hit).toBe(0);
      const misses = st.completed - st.cachedInputTokens / hit;
      // each prefix misses at least once, at most once per replica (it stays cached: memory is ample)
      expect(misses).toBeGreaterThanOrEqual(groups);
      expect(misses).toBeLessThanOrEqual(groups * REPLICAS);
    }
    expect(byTenant("plain").cachedInputTokens).toBe(0);
    const cached = run.stats.reduce((a, st) => a + st.cachedInputTokens, 0);
    expect(summary.cachedInputTokens).toBe(cached);
    expect(summary.prefixHitRate).toBe(cached / summary.inputTokens);
  });

  it("bills cached prompt tokens at the cached-input price: the revenue falls by exactly their discount", async () => {
    const priced = await runScenario(FIXTURE, { horizon: "5m" });
    const full = await runScenario(FIXTURE, {
      horizon: "5m",
      set: ["models.0.price.cached_input_usd_per_mtok=0.15"], // = the input price: no discount
    });
    const cached = priced.summary.cachedInputTokens;
    expect(cached).toBeGreaterThan(0);
    expect(full.summary.cachedInputTokens).toBe(cached);
    // Llama 3.1 8B's input price is 0.15 USD per million: 0.075 less on each cached token
    const saving = Math.round(((cached * (0.15 - 0.075)) / 1e6) * 1e6);
    expect(Math.abs(full.summary.revenue - priced.summary.revenue - saving)).toBeLessThanOrEqual(3);
  });

  it("shows the hit rate in summary.csv, tenants.csv and the summary the CLI prints", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-prefix-")), "out");
    const r = cli(["run", scenarioPath(FIXTURE), "--out", out, "--horizon", "5m"]);
    expect(r.status, r.stderr).toBe(0);
    const summary = parseCsv(readFileSync(join(out, "summary.csv"), "utf8"))[0]!;
    const cached = Number(summary.cached_input_tokens);
    expect(cached).toBeGreaterThan(0);
    expect(Number(summary.prefix_hit_rate)).toBeCloseTo(cached / Number(summary.input_tokens), 6); // 6 decimals in the file
    const tenants = parseCsv(readFileSync(join(out, "tenants.csv"), "utf8"));
    const rate = (id: string) => Number(tenants.find((t) => t.tenant === id)!.prefix_hit_rate);
    expect(rate("chat")).toBeGreaterThan(0.7);
    expect(rate("chat")).toBeLessThanOrEqual(0.8);
    expect(rate("batch")).toBeGreaterThan(0.5);
    expect(rate("batch")).toBeLessThanOrEqual(2048 / 3000);
    expect(rate("plain")).toBe(0);
    expect(tenants.reduce((a, t) => a + Number(t.cached_input_tokens), 0)).toBe(cached);
    expect(r.stdout).toMatch(/prefix cache hits +[\d,]+ \(\d+\.\d\d % of prompt tokens\)/);
  });
});

describe("prefix caching in the fluid engine", () => {
  it("bills and serves a fixed prefix with its steady-state hit on every request", async () => {
    const { scenario, run, summary } = await runScenario(FIXTURE, { fidelity: "fluid" });
    const chat = run.stats.find((x) => x.tenantIndex === scenario.tenants.findIndex((t) => t.id === "chat"))!;
    // 800 of each 1000-token prompt, to the rounding of whole tokens
    expect(Math.abs(chat.cachedInputTokens - 0.8 * chat.inputTokens)).toBeLessThanOrEqual(1);
    const batch = run.stats.find(
      (x) => x.tenantIndex === scenario.tenants.findIndex((t) => t.id === "batch"),
    )!;
    expect(Math.abs(batch.cachedInputTokens - (2048 / 3000) * batch.inputTokens)).toBeLessThanOrEqual(1);
    expect(summary.prefixHitRate).toBeGreaterThan(0.5);
  });

  it("prefills only the uncached part: a lower mean TTFT than without the prefix", async () => {
    const withPrefix = await runScenario(FIXTURE, { fidelity: "fluid" });
    const without = await runScenario(FIXTURE, {
      fidelity: "fluid",
      set: ["tenants.1.workloads.0.prefix=null"],
    });
    const ttft = (r: typeof withPrefix, ti: number) =>
      r.run.stats.find((x) => x.tenantIndex === ti)!.ttftS.mean()!;
    expect(ttft(withPrefix, 1)).toBeLessThan(ttft(without, 1));
    expect(without.run.stats[1]!.cachedInputTokens).toBe(0);
  });
});

describe("bad prefix input: exit 2, naming file, line and field, writing nothing", () => {
  const base = readFileSync(scenarioPath(FIXTURE), "utf8");
  const attempt = (yaml: string, files: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-prefix-bad-"));
    const file = join(dir, "s.yaml");
    writeFileSync(file, yaml);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const out = join(dir, "out");
    const r = cli(["run", file, "--out", out]);
    expect(existsSync(out)).toBe(false);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    return { r, file };
  };

  it("a prefix of 0 tokens", () => {
    const { r, file } = attempt(base.replace("prefix: { tokens: 800 }", "prefix: { tokens: 0 }"));
    expect(r.stderr).toContain(`${file}:29 tenants.0.workloads.0.prefix.tokens:`);
  });

  it("fractional groups", () => {
    const { r, file } = attempt(base.replace("groups: 4", "groups: 2.5"));
    expect(r.stderr).toContain(`${file}:37 tenants.1.workloads.0.prefix.groups:`);
  });

  it("a prefix on a trace workload", () => {
    const trace = '{"timestamp": 0, "input_length": 100, "output_length": 5}\n';
    const yaml = base.replace(
      "arrival: { process: poisson, rate_per_s: 0.5 }\n        prompt_tokens: { dist: constant, value: 1000 }\n        output_tokens: { dist: constant, value: 100 }\n",
      "arrival: { process: trace, file: t.jsonl }\n",
    );
    const { r, file } = attempt(yaml, { "t.jsonl": trace });
    expect(r.stderr).toMatch(
      new RegExp(`${file}:\\d+ tenants\\.0\\.workloads\\.0\\.prefix: must be absent for a trace workload`),
    );
  });

  it("a trace row whose hash ids are not a list of whole numbers", () => {
    const trace = [
      '{"timestamp": 0, "input_length": 1000, "output_length": 5, "hash_ids": [0, 1]}',
      '{"timestamp": 10, "input_length": 1000, "output_length": 5, "hash_ids": [0, "x"]}',
    ].join("\n");
    const yaml = base.replace(
      "arrival: { process: poisson, rate_per_s: 0.5 }\n        prompt_tokens: { dist: constant, value: 1000 }\n        output_tokens: { dist: constant, value: 100 }\n        prefix: { tokens: 800 }\n",
      "arrival: { process: trace, file: t.jsonl }\n",
    );
    const { r } = attempt(yaml, { "t.jsonl": trace });
    expect(r.stderr).toMatch(/t\.jsonl:2 hash_ids: must hold whole numbers >= 0 \(hash ids\), got "x"/);
  });

  it("a cached-input price above the input price", () => {
    const { r, file } = attempt(
      base.replace("cached_input_usd_per_mtok: 0.075", "cached_input_usd_per_mtok: 0.2"),
    );
    expect(r.stderr).toContain(
      `${file}:14 models.0.price.cached_input_usd_per_mtok: must be <= the input price (0.15), got 0.2`,
    );
  });
});
