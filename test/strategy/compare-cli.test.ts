/** `fleetsim compare` end to end: the table, compare.csv, common random numbers, and input errors. */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { FIGURES } from "../../src/compare/figures.js";
import { cli } from "../support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "fleetsim-compare-"));
const short = ["--seeds", "2", "--horizon", "2m", "--quiet"];

function readCsv(file: string): Array<Record<string, string>> {
  return parse(readFileSync(file, "utf8"), { columns: true });
}

describe("fleetsim compare", () => {
  it("prints the comparison and writes compare.csv and runs.csv", () => {
    const out = join(tmp, "a-vs-b");
    const r = cli([
      "compare",
      "scenarios/exclusive-2023.yaml",
      "scenarios/multi-model-2025.yaml",
      ...short,
      "--out",
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("A  exclusive-2023");
    expect(r.stdout).toContain("B  multi-model-2025");
    expect(r.stdout).toMatch(/figure\s+A\s+B\s+B - A/);
    for (const f of FIGURES) expect(r.stdout).toContain(f.label);
    const rows = readCsv(join(out, "compare.csv"));
    expect(rows.map((row) => row.figure)).toEqual(FIGURES.map((f) => f.id));
    const runs = readCsv(join(out, "runs.csv"));
    expect(runs.map((row) => `${row.side}${row.seed}`)).toEqual(["A1", "A2", "B1", "B2"]);
    // The CSV's means are the means of the runs it lists.
    for (const row of rows) {
      const mean = (side: string) => {
        const v = runs.filter((x) => x.side === side).map((x) => Number(x[row.figure]));
        return (v[0] + v[1]) / 2;
      };
      expect(Number(row.a_mean)).toBeCloseTo(mean("A"), 5);
      expect(Number(row.b_mean)).toBeCloseTo(mean("B"), 5);
      expect(Number(row.diff_mean)).toBeCloseTo(mean("B") - mean("A"), 5);
    }
    // An exclusive single-owner fleet has all its revenue with one owner.
    expect(Number(rows.find((row) => row.figure === "revenue_hhi")!.a_mean)).toBe(1);
  }, 60_000);

  it("uses common random numbers: a scenario against itself differs by exactly 0", () => {
    const out = join(tmp, "self");
    const r = cli([
      "compare",
      "scenarios/tenant-shift.yaml",
      "scenarios/tenant-shift.yaml",
      ...short,
      "--out",
      out,
    ]);
    expect(r.status).toBe(0);
    for (const row of readCsv(join(out, "compare.csv"))) {
      expect(Number(row.diff_mean), row.figure).toBe(0);
      expect(Number(row.diff_ci95_half_width), row.figure).toBe(0);
      expect(row.diff_significant).toBe("no");
    }
  }, 60_000);

  it("applies --set-b to B only", () => {
    const out = join(tmp, "outage");
    const r = cli([
      "compare",
      "scenarios/model-outage-failover.yaml",
      "scenarios/model-outage-failover.yaml",
      "--set",
      "events=[]",
      "--set-b",
      "events=[{at: 30s, type: model_outage, model: gpt-4o, duration: 1m}]",
      ...short,
      "--out",
      out,
    ]);
    expect(r.status).toBe(0);
    const revenue = readCsv(join(out, "compare.csv")).find((row) => row.figure === "revenue_usd")!;
    expect(Number(revenue.diff_mean)).toBeLessThan(0); // the outage rejects OpenAI's own traffic
  }, 60_000);

  it("refuses scenarios estimated above 500 M events per run before running either", () => {
    const out = join(tmp, "huge");
    const r = cli([
      "compare",
      "scenarios/multi-model-2025.yaml",
      "scenarios/exclusive-2023.yaml",
      "--horizon",
      "1y",
      "--fidelity",
      "request",
      "--out",
      out,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /multi-model-2025\.yaml: each run is estimated at \d+\.\d M events .* or pass --force/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("refuses bad input with exit code 2 and writes nothing", () => {
    const out = join(tmp, "bad");
    const one = cli([
      "compare",
      "scenarios/exclusive-2023.yaml",
      "scenarios/price-war.yaml",
      "--seeds",
      "1",
      "--out",
      out,
    ]);
    expect(one.status).toBe(2);
    expect(one.stderr).toContain("--seeds: must be a whole number from 2");
    const missing = cli(["compare", "scenarios/exclusive-2023.yaml", "scenarios/nope.yaml", "--out", out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("nope.yaml");
    const badSet = cli([
      "compare",
      "scenarios/exclusive-2023.yaml",
      "scenarios/price-war.yaml",
      "--set",
      "horizon=-5",
      "--out",
      out,
    ]);
    expect(badSet.status).toBe(2);
    expect(badSet.stderr).not.toContain("    at ");
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
