/**
 * Issue #25, item 2: every number has a finite, physically sensible range checked at validation,
 * reported as one line with the field's file, line and dotted path; runs too large to build (memory,
 * money past exact micro-dollars) are refused before building, whatever the fidelity.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, InputError } from "../../src/errors.js";
import { checkScenario } from "../../src/run/preflight.js";
import { simulate } from "../../src/run/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";
import { loadCatalog, loadProfiles } from "../../src/scenario/profiles.js";
import {
  fixtureOpts,
  MINIMAL,
  PROFILE_DIR,
  problemsOfLines,
  withLine,
  writeScenario,
} from "../scenario/helpers.js";
import { cli } from "../support/cli.js";

const WL = "tenants.0.workloads.0";

/** The problems of loading MINIMAL with these lines replaced, each as its one-line form. */
async function linesOf(replace: Array<[number, string]>, extra: string[] = []): Promise<string[]> {
  let lines = [...MINIMAL];
  for (const [n, text] of replace) lines = withLine(n, text, lines);
  return (await problemsOfLines([...lines, ...extra])).map(formatProblem);
}

describe("rates", () => {
  it.each([
    ["1e7", "must be <= 1000000, got 10000000"],
    ["1e308", "must be <= 1000000, got 1e+308"],
    ["-1", "must be >= 0, got -1"],
  ])("refuses rate_per_s %s with its line", async (v, message) => {
    expect(await linesOf([[14, `        arrival: { process: poisson, rate_per_s: ${v} }`]])).toEqual([
      `S:14 ${WL}.arrival.rate_per_s: ${message}`,
    ]);
  });

  it("refuses growth that takes the rate past the limit by the end of the horizon", async () => {
    const got = await linesOf([
      [2, "horizon: 10y"],
      [14, "        arrival: { process: poisson, rate_per_s: 5, growth_per_month: 5 }"],
    ]);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(
      new RegExp(
        `^S:14 ${WL}\\.arrival\\.growth_per_month: takes rate_per_s 5 to .* above the limit of 1000000, got 5$`,
      ),
    );
  });

  it("refuses a chain of load multipliers that compounds past the limit", async () => {
    const events = Array.from(
      { length: 120 },
      (_, i) => `  - { at: ${i + 1}m, type: demand_change, tenant: acme, factor: 1000 }`,
    );
    expect(await linesOf([], ["events:", ...events])).toEqual([
      `S:19 events.1.factor: takes tenant "acme"'s load to 1.00e+6 x its base with the events before it, above the limit of 1000 x, got 1000`,
    ]);
  });

  it("refuses an extreme load multiplier", async () => {
    const got = await linesOf(
      [],
      ["events:", "  - { at: 1h, type: demand_change, tenant: acme, factor: 1e9 }"],
    );
    expect(got).toEqual(["S:18 events.0.factor: must be <= 1000, got 1000000000"]);
  });
});

describe("token counts and distribution parameters", () => {
  it.each([
    ["{ dist: constant, value: 1e9 }", "prompt_tokens.value: must be <= 10000000, got 1000000000"],
    ["{ dist: constant, value: 100, max: 1e308 }", "prompt_tokens.max: must be <= 10000000, got 1e+308"],
    ["{ dist: exponential, mean: 1e-320 }", null],
    ["{ dist: lognormal, median: 1e-320, p90: 2734 }", "prompt_tokens.p90: must be at most 100 x median"],
    ["{ dist: uniform, min: 0, max: 1e12 }", "prompt_tokens.max: must be <= 10000000, got 1000000000000"],
  ])("checks %s", async (dist, message) => {
    const got = await linesOf([[15, `        prompt_tokens: ${dist}`]]).catch(() => []);
    if (message === null) {
      // A tiny mean is in range (every draw rounds up to 1 token): it loads.
      expect(got).toEqual([]);
      return;
    }
    expect(got).toHaveLength(1);
    expect(got[0].startsWith(`S:15 ${WL}.${message}`)).toBe(true);
  });
});

describe("durations and steps", () => {
  it.each([
    ["horizon: 100y", 'S:2 horizon: must be at most 315360000 s (10 years), got "100y"'],
    ["horizon: 1e308", "S:2 horizon: must be at most 315360000 s (10 years), got 1e+308"],
    ["horizon: 1e-320", "S:2 horizon: must be at least 0.001 s, got 1e-320"],
  ])("refuses %s", async (line, message) => {
    expect(await linesOf([[2, line]])).toEqual([message]);
  });

  it("bounds the report intervals over the horizon (the time series stay small)", async () => {
    expect(await linesOf([[2, "horizon: 10y"]], ["report_interval: 1s"])).toEqual([
      "S:17 report_interval: gives 315360000 report intervals over the horizon (315360000 s), more than the limit of 200000; use a longer report_interval, got 1 s",
    ]);
  });

  it("bounds the fluid steps over the horizon", async () => {
    const got = await linesOf(
      [[2, "horizon: 10y"]],
      ["report_interval: 1d", "fidelity: fluid", "fluid: { step: 1s }"],
    );
    expect(got).toEqual([
      "S:19 fluid.step: gives 315360000 fluid steps over the horizon (315360000 s), more than the limit of 10000000; use a longer step, got 1 s",
    ]);
  });

  it("refuses a fluid run of more updates than the limit before it starts, naming fluid.step", async () => {
    // 10 years of 1-minute steps (5.3 M, within the step limit) x 201 groups and workloads.
    const workloads = Array.from({ length: 200 }, (_, i) => [
      `      - { id: w${i}, model: fx-llama-70b, arrival: { process: poisson, rate_per_s: 0.001 },`,
      "          prompt_tokens: { dist: constant, value: 100 }, output_tokens: { dist: constant, value: 10 } }",
    ]).flat();
    const lines = [
      ...withLine(2, "horizon: 10y").slice(0, 12),
      ...workloads,
      "report_interval: 1d",
      "fidelity: fluid",
      "fluid: { step: 1m }",
    ];
    const file = writeScenario(lines);
    const s = await loadScenario(file, fixtureOpts);
    for (const attempt of [() => checkScenario(s), () => simulate(s)]) {
      const err = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems.map(formatProblem)).toEqual([
        `${file}:${lines.length} fluid.step: the fluid run would take 5256000 steps x 201 replica groups and workloads = 1056 M updates, above the limit of 200 M; use a longer step or a shorter horizon, got 60 s`,
      ]);
    }
  });

  it("bounds MMPP on/off periods below", async () => {
    const got = await linesOf([
      [14, "        arrival: { process: mmpp, rate_per_s: 5, on_mean: 1e-9, off_mean: 1e308 }"],
    ]);
    expect(got).toEqual([
      `S:14 ${WL}.arrival.on_mean: must be at least 1 s, got 1e-9`,
      `S:14 ${WL}.arrival.off_mean: must be at most 3153600000 s (100 years), got 1e+308`,
    ]);
  });
});

describe("node counts, fleet changes and the pre-flight memory estimate", () => {
  it("refuses a pool of millions of nodes at validation", async () => {
    expect(await linesOf([[7, "      nodes: 1e7"]])).toEqual([
      "S:7 fleet.pools.0.nodes: must be <= 100000, got 10000000",
    ]);
  });

  it("refuses a fleet change of millions of nodes", async () => {
    const lines = [
      ...MINIMAL.slice(0, 9),
      "  changes:",
      "    - { at: 1h, pool: pool-a, add_nodes: 1e7 }",
      ...MINIMAL.slice(9),
    ];
    expect((await problemsOfLines(lines)).map(formatProblem)).toEqual([
      "S:11 fleet.changes.0.add_nodes: must be <= 100000, got 10000000",
    ]);
  });

  /** 100,000 nodes growing to 200,000: 400,000 replicas of 4 accelerators, too many to build. */
  const HUGE = [
    ...withLine(
      9,
      "        - { model: fx-llama-70b, nodes: 100000 }",
      withLine(7, "      nodes: 100000"),
    ).slice(0, 9),
    "  changes:", // 10
    "    - { at: 1h, pool: pool-a, add_nodes: 100000 }", // 11
    ...MINIMAL.slice(9),
  ];

  it.each(["request", "fluid", "hybrid"] as const)(
    "refuses to build a fleet beyond the memory limit (fidelity %s), naming the pool",
    async (fidelity) => {
      const windows = fidelity === "hybrid" ? ["fluid: { windows: [{ at: 1h, duration: 1h }] }"] : [];
      const file = writeScenario([...HUGE, ...windows]);
      const s = await loadScenario(file, { ...fixtureOpts, fidelity });
      const t0 = performance.now();
      for (const attempt of [() => checkScenario(s), () => simulate(s)]) {
        const err = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(InputError);
        const problems = (err as InputError).problems;
        expect(problems).toHaveLength(1);
        expect(formatProblem(problems[0])).toMatch(
          new RegExp(
            `^${file}:7 fleet\\.pools\\.0\\.nodes: the run would need about [\\d.]+ GB of memory \\(400000 replicas, 24 report intervals\\), above the limit of 2\\.0 GB`,
          ),
        );
      }
      // Refused from the plan, before any replica is built.
      expect(performance.now() - t0).toBeLessThan(5000);
    },
  );
});

describe("money: whole micro-dollars, below 2^53 over the horizon", () => {
  const MODEL = ["models:", "  - id: fx-llama-70b", "    price: { input_usd_per_mtok: PRICE }"];

  it.each([
    ["0.0000001", "must be a whole number of micro-dollars (at most 6 decimal places), got 1e-7"],
    ["1e20", "must be <= 10000, got 100000000000000000000"],
    ["-0.5", "must be >= 0, got -0.5"],
  ])("refuses the token price %s", async (price, message) => {
    const got = await linesOf(
      [],
      MODEL.map((l) => l.replace("PRICE", price)),
    );
    expect(got).toEqual([`S:19 models.0.price.input_usd_per_mtok: ${message}`]);
  });

  it.each([
    ["committed_usd: 1e10", "must be <= 1000000000, got 10000000000"],
    [
      "committed_usd: 0.1234567",
      "must be a whole number of micro-dollars (at most 6 decimal places), got 0.1234567",
    ],
  ])("refuses the commitment %s", async (field, message) => {
    const lines = [...MINIMAL.slice(0, 11), `    contract: { ${field} }`, ...MINIMAL.slice(11)];
    expect((await problemsOfLines(lines)).map(formatProblem)).toEqual([
      `S:12 tenants.0.contract.committed_usd: ${message}`,
    ]);
  });

  it.each([
    ["pue: 0.5", "billing.pue: must be >= 1, got 0.5"],
    ["pue: 1e308", "billing.pue: must be <= 3, got 1e+308"],
    ["energy_usd_per_kwh: 1e308", "billing.energy_usd_per_kwh: must be <= 10, got 1e+308"],
    [
      "energy_usd_per_kwh: 0.00000001",
      "billing.energy_usd_per_kwh: must be a whole number of micro-dollars (at most 6 decimal places), got 1e-8",
    ],
    ["amortization_years: 1e-320", "billing.amortization_years: must be >= 0.1, got 1e-320"],
    ["amortization_years: 1000", "billing.amortization_years: must be <= 50, got 1000"],
  ])("refuses billing %s", async (field, message) => {
    expect(await linesOf([], [`billing: { ${field} }`])).toEqual([`S:17 ${message}`]);
  });

  it("refuses a run whose money would pass the exact range, naming the field most responsible", async () => {
    // 100,000 nodes at about 100 USD/h for 10 years: about 90 billion USD.
    const lines = [
      ...withLine(9, "        - { model: fx-llama-70b, nodes: 100000 }", withLine(7, "      nodes: 100000")),
      "report_interval: 1d",
      "fidelity: fluid",
    ];
    const file = writeScenario(withLine(2, "horizon: 10y", lines));
    const s = await loadScenario(file, fixtureOpts);
    for (const attempt of [() => checkScenario(s), () => simulate(s)]) {
      const err = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems.map(formatProblem)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${file}:7 fleet\\.pools\\.0\\.nodes: money over the horizon would reach about [\\d.]+ billion USD .*beyond the 4\\.50 billion USD`,
          ),
        ),
      ]);
    }
  });
});

describe("hardware profiles and the model catalog", () => {
  function profileProblems(replace: Record<number, string>): string[] {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-profile-"));
    const text = readFileSync(join(PROFILE_DIR, "fx-h100.yaml"), "utf8")
      .split("\n")
      .map((l, i) => replace[i + 1] ?? l)
      .join("\n");
    const file = join(dir, "p.yaml");
    writeFileSync(file, text);
    try {
      loadProfiles([file]);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as InputError).problems.map((p) => formatProblem({ ...p, file: "P" }));
    }
    throw new Error("expected an InputError");
  }

  it("checks every figure of a profile with its line", () => {
    expect(
      profileProblems({
        5: "accelerators_per_node: 1e6",
        7: "memory_bandwidth_tb_per_s: 1e-320",
        8: "peak_tflops: 1e308",
        9: "power_w: { idle: 2000, peak: 1e12 }",
        12: "price_usd_per_hour: 0.0000001",
        18: "    prefill_tokens_per_s: 1e-320",
      }),
    ).toEqual([
      "P:5 accelerators_per_node: must be <= 1024, got 1000000",
      "P:7 memory_bandwidth_tb_per_s: must be >= 0.001, got 1e-320",
      "P:8 peak_tflops: must be <= 10000000, got 1e+308",
      "P:9 power_w.peak: must be <= 1000000, got 1000000000000",
      "P:12 price_usd_per_hour: must be a whole number of micro-dollars (at most 6 decimal places), got 1e-7",
      "P:18 performance.0.prefill_tokens_per_s: must be >= 0.001, got 1e-320",
    ]);
  });

  it("bounds the batch sizes of a decode table", () => {
    expect(profileProblems({ 19: "    decode_tokens_per_s: { 1: 38, 900000000: 1400 }" })).toEqual([
      "P:19 performance.0.decode_tokens_per_s.900000000: batch sizes must be <= 1000000, got 900000000",
    ]);
  });

  it("checks the catalog's figures with their lines", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-catalog-"));
    const file = join(dir, "models.yaml");
    writeFileSync(
      file,
      [
        "models:",
        "  - id: m",
        "    owner: x",
        "    params_b: 1e308",
        "    bytes_per_param: 1e-320",
        "    kv_bytes_per_token: 1e308",
        "    accelerators_per_replica: 1e9",
        "    price: { input_usd_per_mtok: 1e20, output_usd_per_mtok: 0.0000001 }",
      ].join("\n"),
    );
    let got: string[] = [];
    try {
      loadCatalog(file);
    } catch (e) {
      got = (e as InputError).problems.map((p) => formatProblem({ ...p, file: "C" }));
    }
    expect(got).toEqual([
      "C:4 models.0.params_b: must be <= 100000, got 1e+308",
      "C:5 models.0.bytes_per_param: must be >= 0.1, got 1e-320",
      "C:6 models.0.kv_bytes_per_token: must be <= 100000000, got 1e+308",
      "C:7 models.0.accelerators_per_replica: must be <= 4096, got 1000000000",
      "C:8 models.0.price.input_usd_per_mtok: must be <= 10000, got 100000000000000000000",
      "C:8 models.0.price.output_usd_per_mtok: must be a whole number of micro-dollars (at most 6 decimal places), got 1e-7",
    ]);
  });
});

describe("through the CLI: exit 2, one line with file:line and path, no stack trace, nothing written", () => {
  const SHIPPED = readFileSync(join(import.meta.dirname, "../../scenarios/multi-model-2025.yaml"), "utf8");

  it.each([
    [
      "a rate of 1e308",
      "rate_per_s: 4,",
      "rate_per_s: 1e308,",
      61,
      "tenants.0.workloads.0.arrival.rate_per_s",
    ],
    ["a PUE of 1e308", "pue: 1.2", "pue: 1e308", 142, "billing.pue"],
    ["a fleet of millions of nodes", "nodes: 8", "nodes: 8000000", 47, "fleet.pools.4.nodes"],
  ])("%s", (_, from, to, line, path) => {
    expect(SHIPPED).toContain(from);
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-cli-"));
    const file = join(dir, "s.yaml");
    writeFileSync(file, SHIPPED.replace(from, to));
    const out = join(dir, "out");
    const r = cli(["run", file, "--out", out, "--quiet", "--horizon", "10m"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^${file}:${line} ${path.replace(/\./g, "\\.")}: must be `)),
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(existsSync(out)).toBe(false);
  });
});
