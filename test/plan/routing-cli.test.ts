/**
 * `fleetsim plan` with plan.model_routing: plan.csv has a column per searched share or threshold,
 * plan.yaml carries the chosen value in scheduler.model_routing and runs as is, and bad entries
 * exit 2 naming file, line and field, writing nothing.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { cli } from "../support/cli.js";

const FIXTURES = resolve(import.meta.dirname, "../fixtures/plan");
const GRID = readFileSync(join(FIXTURES, "mmc-share-grid.yaml"), "utf8");

let dir: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "plan-routing-")));
  cpSync(join(FIXTURES, "profiles"), join(dir, "profiles"), { recursive: true });
});

/** Writes the grid fixture with `from` replaced by `to`, and returns its path. */
function variant(name: string, from: string, to: string): string {
  expect(GRID).toContain(from);
  const file = join(dir, name);
  writeFileSync(file, GRID.replace(from, to));
  return file;
}

describe("plan with plan.model_routing, on the command line", () => {
  it("writes the chosen share in plan.csv and in plan.yaml's scheduler.model_routing, which runs as is", async () => {
    const file = variant("grid.yaml", "name: mmc-share-grid", "name: grid");
    const out = join(dir, "out");
    const r = cli(["plan", file, "--out", out, "--quiet"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("mmc-model: share 0.25 to cheap, 0.75 to dear");
    const rows: Array<Record<string, string>> = parse(readFileSync(join(out, "plan.csv"), "utf8"), {
      columns: true,
    });
    const chosen = rows.filter((x) => x.chosen === "true");
    expect(chosen).toHaveLength(1);
    expect(chosen[0]["share:mmc-model:cheap"]).toBe("0.25");
    expect(chosen[0]["nodes:cheap:mmc-model"]).toBe("3");
    expect(chosen[0]["nodes:dear:mmc-model"]).toBe("6");
    // every screened value of the share shows in its column
    const shares = new Set(rows.filter((x) => x.stage === "screen").map((x) => x["share:mmc-model:cheap"]));
    expect([...shares].sort()).toEqual(["0", "0.25", "0.5", "0.75", "1"]);
    // plan.yaml where fleetsim wrote it: the chosen fleet and routing, no plan section, its
    // hardware_profiles rewritten for the output folder, runs as is
    const chosenYaml = join(out, "plan.yaml");
    expect(readFileSync(chosenYaml, "utf8")).toContain("hardware_profiles: [ ../profiles ]");
    const s = await loadScenario(chosenYaml);
    expect(s.plan ?? null).toBeNull();
    expect(s.scheduler.modelRouting).toEqual([
      { model: "mmc-model", kind: "shares", targets: [["cheap"], ["dear"]], shares: [0.25, 0.75] },
    ]);
    expect(s.fleet.pools.map((p) => [p.id, p.nodes])).toEqual([
      ["cheap", 3],
      ["dear", 6],
    ]);
    const run = cli(["run", chosenYaml, "--out", join(dir, "run"), "--quiet"]);
    expect(run.status, run.stderr).toBe(0);
  }, 60_000);

  const bad: Array<[string, string, string, RegExp]> = [
    [
      "an unknown pool",
      "pool: cheap, rest: dear",
      "pool: cheep, rest: dear",
      /:\d+ plan\.model_routing\.0\.shares\.pool: unknown pool or pool kind "cheep", did you mean "cheap"/,
    ],
    [
      "a share above 1",
      "values: [0, 0.25, 0.5, 0.75, 1]",
      "values: [0, 1.5]",
      /:\d+ plan\.model_routing\.0\.shares\.values\.1: /,
    ],
    [
      "the same pool on both sides",
      "pool: cheap, rest: dear",
      "pool: cheap, rest: gpu",
      /:\d+ plan\.model_routing\.0\.shares\.rest: pool cheap is on both sides/,
    ],
    [
      "values and a range",
      "values: [0, 0.25, 0.5, 0.75, 1]",
      "values: [0, 1], min: 0",
      /:\d+ plan\.model_routing\.0\.shares\.values: give values or min, max and step, not both/,
    ],
    [
      "a range without its step",
      "values: [0, 0.25, 0.5, 0.75, 1]",
      "min: 0, max: 1",
      /:\d+ plan\.model_routing\.0\.shares: give values, or min, max and step \(step is missing\)/,
    ],
    [
      "shares and by_prompt_length together",
      "shares: { pool: cheap, rest: dear, values: [0, 0.25, 0.5, 0.75, 1] }",
      "shares: { pool: cheap, rest: dear, values: [0] }\n      by_prompt_length: { short: cheap, long: dear, values: [100] }",
      /:\d+ plan\.model_routing\.0: give shares or by_prompt_length \(one of them\)/,
    ],
  ];
  for (const [what, from, to, message] of bad) {
    it(`${what}: exit 2 naming file, line and field, nothing written`, () => {
      const file = variant(`bad-${what.replaceAll(" ", "-")}.yaml`, from, to);
      const out = join(dir, `out-${what.replaceAll(" ", "-")}`);
      const r = cli(["plan", file, "--out", out, "--quiet"]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }
});
