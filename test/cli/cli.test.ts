/** The command line as a user meets it: exit codes, messages, and what is (not) written. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, cliInterrupted } from "../support/cli.js";
import { repoRoot } from "../support/run-scenario.js";

const tmp = () => mkdtempSync(join(tmpdir(), "fleetsim-cli-"));
const MMC = "scenarios/validation/mmc-rho-0.5.yaml";

describe("fleetsim run", () => {
  it("writes the output files and prints the summary", () => {
    const out = join(tmp(), "res");
    const r = cli(["run", MMC, "--out", out, "--horizon", "10m", "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^scenario +mmc-rho-0\.5 \(seed 7, horizon 10m\)/);
    expect(r.stdout).toMatch(/margin +\$/);
    expect(readdirSync(out).sort()).toEqual([
      "capacity.csv",
      "fleetsim.json",
      "margin.csv",
      "models.csv",
      "revenue_by_model.csv",
      "scaling.csv",
      "summary.csv",
      "summary.json",
      "tenants.csv",
      "timeseries.csv",
    ]);
    const summary = readFileSync(join(out, "summary.csv"), "utf8").split("\r\n");
    // The contract's columns first, in its order; additions only after them.
    expect(
      summary[0].startsWith(
        "scenario,seed,horizon_s,requests,completed,rejected,in_flight,failed_over,input_tokens,output_tokens,revenue_usd,owner_share_usd,cost_usd,margin_usd,margin_pct,utilization,slo_attainment,revenue_hhi,",
      ),
    ).toBe(true);
    expect(summary[1]).toMatch(/^mmc-rho-0\.5,7,600\.000,\d+,/);
  });

  it("--json prints the summary as JSON with --seed and --set applied", () => {
    const out = join(tmp(), "res");
    const r = cli([
      "run",
      MMC,
      "--out",
      out,
      "--horizon",
      "5m",
      "--seed",
      "3",
      "--set",
      "tenants.poisson-tenant.workloads.0.arrival.rate_per_s=1",
      "--json",
    ]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.seed).toBe(3);
    expect(j.horizon_s).toBe(300);
    // About 300 arrivals at 1/s (Poisson: 4 standard deviations is 69).
    expect(Math.abs(j.requests - 300)).toBeLessThan(70);
    expect(j.scenario_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("exits 2 on a scenario error, prints file:line path, no stack trace, and writes nothing", () => {
    const dir = tmp();
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(MMC, "utf8").replace("rate_per_s: 4", "rate_per_s: -5"));
    const out = join(dir, "res");
    const r = cli(["run", bad, "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /bad\.yaml:\d+ tenants\.0\.workloads\.0\.arrival\.rate_per_s: must be >= 0, got -5/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it("leaves earlier results untouched when a run fails", () => {
    const dir = tmp();
    const out = join(dir, "res");
    mkdirSync(out);
    writeFileSync(join(out, "summary.csv"), "earlier");
    const r = cli(["run", MMC, "--out", out, "--set", "no.such.path=1"]);
    expect(r.status).toBe(2);
    expect(readFileSync(join(out, "summary.csv"), "utf8")).toBe("earlier");
  });

  it("exits 2 on usage errors", () => {
    expect(cli(["frobnicate"]).status).toBe(2);
    expect(cli(["run"]).status).toBe(2);
    const r = cli(["run", "no-such-file.yaml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no-such-file\.yaml/);
  });

  it("exits 130 when interrupted and writes nothing", async () => {
    const out = join(tmp(), "res");
    const r = await cliInterrupted(["run", MMC, "--out", out, "--horizon", "30d", "--quiet"], 2500);
    expect(r.code).toBe(130);
    expect(existsSync(out)).toBe(false);
  });

  it("exits 130 when interrupted on several threads (independent parts), stopping the workers", async () => {
    const out = join(tmp(), "res");
    const started = Date.now();
    // Five parts over two threads for 30 days: minutes of work, interrupted after 3 s.
    const args = ["run", "bench/scenarios/fleet.yaml", "--horizon", "30d", "--workers", "2", "--force"];
    const r = await cliInterrupted([...args, "--out", out, "--quiet"], 3000);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted: nothing was written");
    expect(existsSync(out)).toBe(false);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe("fleetsim validate", () => {
  it("prints ok for good files and exits 2 with the errors of bad ones", () => {
    const ok = cli(["validate", MMC, "scenarios/multi-model-2025.yaml"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(`ok ${MMC}\nok scenarios/multi-model-2025.yaml\n`);
    const dir = tmp();
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(MMC, "utf8").replace("rate_per_s:", "rate_per_sec:"));
    const r = cli(["validate", bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown field "rate_per_sec", did you mean "rate_per_s"\?/);
  });
});

describe("pre-flight estimate", () => {
  it("refuses a run estimated above the event limit with exit 2 and the estimate, unless --force", () => {
    const out = join(tmp(), "res");
    // 4 requests/s for 5 years: about 630 M requests, far above the 500 M-event limit.
    const r = cli(["run", MMC, "--out", out, "--horizon", "5y"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /estimated at \d+\.\d M events \(\d+\.\d M requests\), above the limit of 500\.0 M events/,
    );
    expect(r.stderr).toMatch(/--force/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("command-line manners", () => {
  it("--version prints the version and build and exits 0", () => {
    const r = cli(["--version"]);
    expect(r.status).toBe(0);
    const version = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version;
    expect(r.stdout.trim()).toMatch(
      new RegExp(
        `^fleetsim ${version.replace(/\./g, "\\.")} \\(build ${version.replace(/\./g, "\\.")}\\+[0-9a-f]{12}`,
      ),
    );
  });

  it("suggests the command meant by a misspelt one (exit 2)", () => {
    const r = cli(["runn", "x.yaml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/did you mean "run"\?/);
  });
});
