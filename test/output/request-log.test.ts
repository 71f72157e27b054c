/**
 * requests.csv (`run --requests`): one row per request that left the system. Its tokens, counts
 * and money add up to summary.csv; the percentiles in summary.csv agree with those recomputed from
 * it within the histogram's promised relative error (1/128, docs/outputs.md); a sampled log keeps
 * a seeded subset of the same rows; the file is the same whatever --workers.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";
import { scenarioPath } from "../support/run-scenario.js";

const STEADY = scenarioPath("test/fixtures/metrics/steady-load.yaml");
/** The histogram's promise: a quantile within 1/128 of a value of that rank. */
const HISTOGRAM_ERROR = 1 / 128;

type Row = Record<string, string>;
function csv(text: string): Row[] {
  const [head, ...lines] = text.trim().split("\r\n");
  const cols = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((c, i) => [cols[i], c])));
}

function runWithLog(args: string[]): { requests: Row[]; summary: Row; models: Row[]; raw: string } {
  const out = join(mkdtempSync(join(tmpdir(), "fleetsim-reqlog-")), "res");
  const r = cli(["run", ...args, "--out", out, "--quiet"]);
  expect(r.status, r.stderr).toBe(0);
  const raw = readFileSync(join(out, "requests.csv"), "utf8");
  return {
    requests: csv(raw),
    summary: csv(readFileSync(join(out, "summary.csv"), "utf8"))[0],
    models: csv(readFileSync(join(out, "models.csv"), "utf8")),
    raw,
  };
}

/** The value of rank floor(q (n - 1)) among `values`, as the histogram ranks them. */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describe("requests.csv", () => {
  let full: ReturnType<typeof runWithLog>;
  beforeAll(() => {
    full = runWithLog([STEADY, "--horizon", "10m", "--requests"]);
  });

  it("adds up to summary.csv: counts, tokens and money", () => {
    const { requests, summary } = full;
    const done = requests.filter((r) => r.outcome === "completed");
    expect(done.length).toBe(Number(summary.completed));
    expect(requests.filter((r) => r.outcome === "rejected").length).toBe(Number(summary.rejected));
    const sum = (rows: Row[], col: string) => rows.reduce((a, r) => a + Number(r[col]), 0);
    expect(sum(done, "prompt_tokens")).toBe(Number(summary.input_tokens));
    expect(sum(done, "output_tokens")).toBe(Number(summary.output_tokens));
    // One tenant on a token contract: billing rounds its one (tenant, model, epoch) amount once.
    expect(Math.abs(sum(done, "billed_usd") - Number(summary.revenue_usd))).toBeLessThan(1.5e-6);
    // Every request is there once.
    const ids = new Set(requests.map((r) => `${r.tenant}/${r.workload}/${r.request}`));
    expect(ids.size).toBe(requests.length);
    expect(requests.length).toBe(Number(summary.completed) + Number(summary.rejected));
  });

  it("gives the percentiles of summary.csv within the histogram's relative error", () => {
    const { requests, summary } = full;
    const done = requests.filter((r) => r.outcome === "completed");
    const figures: Array<[string, string, Row[]]> = [
      ["ttft", "ttft_s", done],
      ["e2e", "e2e_s", done],
      ["tpot", "tpot_ms", done.filter((r) => r.tpot_ms !== "")],
    ];
    for (const [name, col, rows] of figures) {
      const values = rows.map((r) => Number(r[col]));
      for (const p of ["p50", "p90", "p99"]) {
        const q = Number(p.slice(1)) / 100;
        const unit = name === "tpot" ? "ms" : "s";
        const reported = Number(summary[`${name}_${p}_${unit}`]);
        const exact = exactQuantile(values, q);
        // CSV cells carry 6 (seconds) or 4 (ms) decimals: half a last digit either side.
        const rounding = unit === "ms" ? 1e-4 : 1e-6;
        expect(Math.abs(reported - exact), `${name} ${p}`).toBeLessThanOrEqual(
          HISTOGRAM_ERROR * exact + rounding,
        );
      }
    }
  });

  it("a sample keeps a seeded fraction of the same rows", () => {
    const sampled = runWithLog([STEADY, "--horizon", "10m", "--requests-sample", "0.1"]);
    const n = full.requests.length;
    // Binomial(n, 0.1): sd sqrt(n 0.09); 4 sd either side.
    expect(Math.abs(sampled.requests.length - 0.1 * n)).toBeLessThan(4 * Math.sqrt(n * 0.09));
    const lines = new Set(full.raw.split("\r\n"));
    for (const line of sampled.raw.trim().split("\r\n")) expect(lines.has(line)).toBe(true);
    // The summary is that of the whole run.
    expect(sampled.summary.completed).toBe(full.summary.completed);
  });

  it("is the same file whatever --workers, on a fleet of independent parts", () => {
    const mm = scenarioPath("scenarios/multi-model-2025.yaml");
    const one = runWithLog([mm, "--horizon", "20m", "--requests", "--workers", "1"]);
    const two = runWithLog([mm, "--horizon", "20m", "--requests", "--workers", "2"]);
    expect(two.raw).toBe(one.raw);
    expect(new Set(one.requests.map((r) => r.model_requested)).size).toBeGreaterThan(3);
    // models.csv: per requested model, counts that add up to the summary and percentiles of its requests.
    const total = (col: string) => one.models.reduce((a, m) => a + Number(m[col]), 0);
    for (const col of ["requests", "completed", "rejected", "input_tokens", "output_tokens"]) {
      expect(total(col), col).toBe(Number(one.summary[col]));
    }
    for (const m of one.models) {
      const done = one.requests.filter((r) => r.model_requested === m.model && r.outcome === "completed");
      expect(done.length).toBe(Number(m.completed));
      const exact = exactQuantile(
        done.map((r) => Number(r.ttft_s)),
        0.99,
      );
      expect(Math.abs(Number(m.ttft_p99_s) - exact), m.model).toBeLessThanOrEqual(
        HISTOGRAM_ERROR * exact + 1e-6,
      );
    }
  });

  it("is refused for a fluid run, naming the flag (exit 2, nothing written)", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleetsim-reqlog-")), "res");
    const r = cli(["run", STEADY, "--fidelity", "fluid", "--requests", "--out", out, "--quiet"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--requests: a fluid run moves flows, not requests/);
    const bad = cli(["run", STEADY, "--requests-sample", "0", "--out", out, "--quiet"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^--requests-sample: must be a fraction above 0 and at most 1, got 0/);
  });
});
