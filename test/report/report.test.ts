/** `fleetsim report`: a real run folder in, one self-contained, escaped HTML page out. */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { buildReport } from "../../src/report/page.js";
import { readRun } from "../../src/report/read-run.js";
import { cli } from "../support/cli.js";
import { runScenario } from "../support/run-scenario.js";

let root: string;
let runDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "fleetsim-report-"));
  runDir = join(root, "run");
  await mkdir(runDir);
  const r = await runScenario("scenarios/validation/mmc-rho-0.5.yaml", { horizon: "2h" });
  for (const [name, content] of r.files()) await writeFile(join(runDir, name), content);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const CHARTS = [
  "Utilisation per pool",
  "Cost per pool",
  "Revenue by model",
  "Margin by model",
  "Requests missing their SLO",
  "Time to first token",
  "Time per output token",
];

describe("buildReport on a real run", () => {
  it("has one <svg> per chart, with axis labels and a legend", async () => {
    const html = buildReport(await readRun(runDir));
    const charts = [...html.matchAll(/<svg [^>]*role="img" aria-label="([^"]*)"/g)].map((m) => m[1]);
    expect(charts).toEqual(CHARTS);
    for (const label of ["utilisation (%)", "cost per hour (USD)", "revenue per hour (USD)", "TTFT (s)"]) {
      expect(html).toContain(`>${label}</text>`);
    }
    expect((html.match(/<ul class="legend">/g) ?? []).length).toBe(CHARTS.length);
    // Dates from period_start: the 2 h run starts 2025-01-01T00:00Z, ticks on whole hours.
    expect(html).toContain(">00:00</text>");
  });

  it("draws a run shorter than its report interval over its own length, in minutes", async () => {
    const dir = join(root, "short");
    await mkdir(dir);
    const r = await runScenario("scenarios/validation/mmc-rho-0.5.yaml", { horizon: "5m" });
    for (const [name, content] of r.files()) await writeFile(join(dir, name), content);
    const html = buildReport(await readRun(dir));
    expect(html).toContain("horizon 5 min,");
    expect(html).toContain(">cost per 5 min (USD)</text>");
    expect(html).toContain(">00:05</text>");
    expect(html).not.toContain(">01:00</text>"); // it drew a one-hour axis with one point before
  });

  it("shows the summary figures of summary.csv", async () => {
    const t = await readRun(runDir);
    const html = buildReport(t);
    const requests = Number(t.summary.requests).toLocaleString("en-US");
    const revenue = `$${Number(t.summary.revenue_usd).toFixed(2)}`;
    const margin = `${(Number(t.summary.margin_pct) * 100).toFixed(2)} %`;
    expect(Number(t.summary.requests)).toBeGreaterThan(1000);
    for (const figure of [requests, revenue, margin, "mmc-rho-0.5"]) expect(html).toContain(figure);
  });

  it("shows KV preemptions with the swapped share, and the prefix hit rate only when prompts hit", async () => {
    const t = await readRun(runDir);
    const base = buildReport(t);
    // this run has no prefixes: a preemption count, no hit rate
    expect(base).toContain("KV preemptions");
    expect(base).not.toContain("prefix cache hits");
    const summary = {
      ...t.summary,
      kv_preemptions: "1234",
      kv_swaps: "1000",
      cached_input_tokens: "5000",
      prefix_hit_rate: "0.125",
      rejected: "30",
      rejected_too_long: "22",
    };
    const html = buildReport({ ...t, summary });
    expect(html).toContain("1,234 (1,000 swapped to host)");
    expect(html).toContain("30 (22 too long for the model)");
    expect(html).toMatch(/prefix cache hits \(of prompt tokens\)<\/[a-z]+>\s*<[a-z]+[^>]*>12\.50 %/);
    // a folder written before these columns existed shows neither
    const { kv_preemptions, kv_swaps, cached_input_tokens, prefix_hit_rate, rejected_too_long, ...old } =
      summary;
    const older = buildReport({ ...t, summary: old });
    expect(older).not.toContain("KV preemptions");
    expect(older).not.toContain("too long");
    expect(older).not.toContain("prefix cache hits");
  });

  it("references nothing on the network and loads no script", async () => {
    const html = buildReport(await readRun(runDir));
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
  });

  it("escapes hostile names from the CSVs", async () => {
    const dir = join(root, "hostile");
    await mkdir(dir);
    for (const f of ["summary.csv", "timeseries.csv", "revenue_by_model.csv", "margin.csv", "tenants.csv"]) {
      await writeFile(join(dir, f), await readFile(join(runDir, f)));
    }
    const rows = (await readRun(runDir)).tenants.map((r) => ({ ...r, tenant: "<script>alert(1)</script>" }));
    await writeFile(join(dir, "tenants.csv"), stringify(rows, { header: true }));
    const html = buildReport(await readRun(dir));
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("readRun errors", () => {
  it("names the missing file", async () => {
    const dir = join(root, "partial");
    await mkdir(dir);
    await writeFile(join(dir, "summary.csv"), await readFile(join(runDir, "summary.csv")));
    const err = await readRun(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain(join(dir, "timeseries.csv"));
  });
});

describe("fleetsim report (CLI)", () => {
  it("writes DIR/report.html and prints its path", async () => {
    const r = cli(["report", runDir]);
    expect(r.status, r.stderr).toBe(0);
    const path = join(runDir, "report.html");
    expect(r.stdout.trim()).toBe(path);
    expect(await readFile(path, "utf8")).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
  });

  it("exits 2 on a missing folder, naming it, writing nothing", () => {
    const missing = join(root, "no-such-run");
    const r = cli(["report", missing]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).not.toContain("internal error");
    expect(existsSync(missing)).toBe(false);
  });

  it("exits 2 on a folder without the run files, leaving no report", async () => {
    const empty = join(root, "empty");
    await mkdir(empty);
    const r = cli(["report", empty]);
    expect(r.status).toBe(2);
    // Every missing file, one line each, in a fixed order (not whichever read failed first).
    const files = ["summary.csv", "timeseries.csv", "revenue_by_model.csv", "tenants.csv", "margin.csv"];
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(files.length);
    for (const [i, f] of files.entries()) expect(lines[i]).toContain(join(empty, f));
    expect(existsSync(join(empty, "report.html"))).toBe(false);
  });
});

describe("which page a folder gets", () => {
  it("a kind without a page (a newer fleetsim's) exits 2 naming the manifest, writing nothing", async () => {
    const dir = join(root, "future");
    await mkdir(dir);
    const manifest = {
      program: "fleetsim",
      format: "fleetsim-output/1",
      kind: "forecast",
      build: "x",
      files: [],
    };
    await writeFile(join(dir, "fleetsim.json"), JSON.stringify(manifest));
    const r = cli(["report", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(join(dir, "fleetsim.json"));
    expect(r.stderr).toContain('no report page for a "forecast" folder');
    expect(existsSync(join(dir, "report.html"))).toBe(false);
  });

  it("a plan folder without its plan.csv exits 2 naming it, writing nothing", async () => {
    const dir = join(root, "plan-empty");
    await mkdir(dir);
    const manifest = {
      program: "fleetsim",
      format: "fleetsim-output/1",
      kind: "plan",
      build: "x",
      files: [],
    };
    await writeFile(join(dir, "fleetsim.json"), JSON.stringify(manifest));
    const r = cli(["report", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(join(dir, "plan.csv"));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "report.html"))).toBe(false);
  });
});

describe("the report of a plan folder", () => {
  let planDir: string;
  let rows: Record<string, string>[];
  let html: string;

  beforeAll(async () => {
    planDir = join(root, "plan");
    const p = cli(["plan", "test/fixtures/plan/mmc.yaml", "--out", planDir, "--quiet"]);
    expect(p.status, p.stderr).toBe(0);
    rows = parse(await readFile(join(planDir, "plan.csv"), "utf8"), { columns: true });
    const r = cli(["report", planDir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(join(planDir, "report.html"));
    html = await readFile(join(planDir, "report.html"), "utf8");
  });

  it("plan.csv's row 0 is the input fleet: its counts, and the node cost of a screened row scaled to them", () => {
    const slot = "nodes:pool:mmc-model";
    const input = rows[0]!;
    expect(input.candidate).toBe("0");
    expect(input.stage).toBe("input");
    // mmc.yaml's pool has 10 nodes, all serving mmc-model.
    expect(input[slot]).toBe("10");
    // One slot: node cost is linear in the count, so any screened row gives the cost per node.
    const screened = rows.filter((r) => r.stage === "screen");
    for (const r of screened) {
      expect(Number(input.cost_usd)).toBeCloseTo((Number(r.cost_usd) / Number(r[slot])) * 10, 1);
    }
    expect(input.chosen).toBe("false");
    expect(rows.filter((r) => r.stage === "input")).toHaveLength(1);
  });

  it("draws both stages' costs, the chosen fleet ringed, and the chosen counts against the input's", () => {
    for (const t of [
      "Confirmed fleets: infrastructure cost",
      "Screened candidates: node cost of one model",
      "Nodes per pool and model: input and chosen",
    ]) {
      expect(html).toContain(`data-chart="${t}`);
    }
    const chosen = rows.find((r) => r.chosen === "true")!;
    expect(html).toContain(`<h1>fleetsim plan report: mmc</h1>`);
    expect(html).toContain(`>${rows[0]!["nodes:pool:mmc-model"]} → ${chosen["nodes:pool:mmc-model"]}<`);
    const chart = (title: string) => {
      const at = html.indexOf(`data-chart="${title}`);
      return html.slice(at, html.indexOf("</svg>", at));
    };
    // One ring and one "chosen" label in the confirmed chart: the chosen fleet only.
    expect(chart("Confirmed fleets").match(/r="9"/g)).toHaveLength(1);
    expect(chart("Confirmed fleets").match(/>chosen</g)).toHaveLength(1);
    // A hollow dot per failed screened candidate, a filled one per pass.
    const screened = rows.filter((r) => r.stage === "screen");
    const dots = chart("Screened candidates");
    expect(dots.match(/r="4\.5" fill="#fff"/g) ?? []).toHaveLength(
      screened.filter((r) => r.feasible === "false").length,
    );
    expect(dots.match(/<circle /g)).toHaveLength(screened.length);
  });

  it("lists every candidate with the constraint it failed", () => {
    const tbody = html.slice(html.lastIndexOf("<tbody>"));
    expect(tbody.match(/<tr>/g)).toHaveLength(rows.length);
    for (const r of rows.filter((x) => x.failed)) {
      expect(tbody).toContain(r.failed!.replace(/&/g, "&amp;").replace(/>/g, "&gt;").replace(/</g, "&lt;"));
    }
    expect(tbody).toContain("<td>chosen</td>");
  });

  it("a plan folder without fleetsim.json still gets the plan page (by its plan.csv)", async () => {
    const bare = join(root, "plan-bare");
    await mkdir(bare);
    for (const f of ["plan.csv", "plan.yaml"])
      await writeFile(join(bare, f), await readFile(join(planDir, f)));
    const r = cli(["report", bare]);
    expect(r.status, r.stderr).toBe(0);
    expect(await readFile(join(bare, "report.html"), "utf8")).toContain("fleetsim plan report: mmc");
  });
});

describe("SLO targets in tenants.csv", () => {
  it("carries each row's SLO bounds and SLA target from the scenario (empty when there is none)", async () => {
    const r = await runScenario("scenarios/multi-model-2025.yaml", { horizon: "10m" });
    const dir = join(root, "multi");
    await mkdir(dir);
    for (const [name, content] of r.files()) await writeFile(join(dir, name), content);
    const t = await readRun(dir);
    const openai = t.tenants.find((x) => x.tenant === "openai" && x.model === "gpt-4o-mini")!;
    // multi-model-2025.yaml: openai's gpt-4o-mini workload has slo { ttft_s: 1.0, tpot_ms: 50 }.
    expect(Number(openai.slo_ttft_s)).toBe(1);
    expect(Number(openai.slo_tpot_ms)).toBe(50);
    const html = buildReport(t);
    expect(html).toMatch(/<line class="mark"[^>]*><title>SLO: 1<\/title>/);
    // The validation scenario has no SLO: its cells are empty and no mark is drawn.
    const plain = await readRun(runDir);
    expect(plain.tenants[0]!.slo_ttft_s).toBe("");
    expect(plain.tenants[0]!.sla_target).toBe("");
    expect(buildReport(plain)).not.toContain('class="mark"');
  });
});
