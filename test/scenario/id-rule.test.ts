/**
 * Every id and name that reaches a CSV file (scenario name, regions, models and their owners,
 * pools, tenants, workloads, references to them) must start with a letter, a digit or _ and hold
 * no control characters, so that none can start a spreadsheet formula: the error names the file,
 * the line and the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { CATALOG, fixtureOpts, PROFILE_DIR, problemsOf, problemsOfLines, withLine } from "./helpers.js";

const RULE = /^must start with a letter, a digit or _ and hold no control characters/;

// Each bad value on its own line; the comment is the line number.
const BAD = [
  'name: "=HYPERLINK(1)"', // 1
  "horizon: 1d", // 2
  'regions: ["+eu", us]', // 3
  "models:", // 4
  "  - id: fx-llama-70b", // 5
  '    owner: "-meta"', // 6
  "fleet:", // 7
  "  pools:", // 8
  '    - id: "@pool"', // 9
  "      profile: fx-h100", // 10
  '      region: "\\tus"', // 11
  "      nodes: 10", // 12
  '      reserved_for: "=acme"', // 13
  "      serves:", // 14
  "        - { model: fx-llama-70b, nodes: 10 }", // 15
  "tenants:", // 16
  '  - id: "+acme"', // 17
  "    workloads:", // 18
  '      - id: "-chat"', // 19
  "        model: fx-llama-70b", // 20
  '        region: "\\rus"', // 21
  "        arrival: { process: poisson, rate_per_s: 5 }", // 22
  "        prompt_tokens: { dist: constant, value: 100 }", // 23
  "        output_tokens: { dist: exponential, mean: 50 }", // 24
  '        fallback: ["@other"]', // 25
  "events:", // 26
  '  - { at: 1h, type: demand_change, tenant: "=t", factor: 2 }', // 27
];

describe("ids and names that could start a formula", () => {
  it("are refused in every field that reaches a CSV, each with its line and field", async () => {
    const problems = (await problemsOfLines(BAD)).filter((p) => RULE.test(p.message));
    const where = problems.map((p) => `${p.file}:${p.line} ${p.path}`).sort();
    expect(where).toEqual(
      [
        "S:1 name",
        "S:3 regions.0",
        "S:6 models.0.owner",
        "S:9 fleet.pools.0.id",
        "S:11 fleet.pools.0.region",
        "S:13 fleet.pools.0.reserved_for",
        "S:17 tenants.0.id",
        "S:19 tenants.0.workloads.0.id",
        "S:21 tenants.0.workloads.0.region",
        "S:25 tenants.0.workloads.0.fallback.0",
        "S:27 events.0.tenant",
      ].sort(),
    );
    expect(problems.find((p) => p.path === "name")?.message).toMatch(/, got "=HYPERLINK\(1\)"$/);
    expect(problems.find((p) => p.path === "fleet.pools.0.region")?.message).toMatch(/, got "\\tus"$/);
  });

  it("a model id in the scenario and a pool's model reference", async () => {
    const problems = await problemsOfLines([
      ...withLine(9, '        - { model: "+m", nodes: 10 }'),
      "models:",
      '  - id: "=m"',
    ]);
    const ours = problems.filter((p) => RULE.test(p.message)).map((p) => `${p.line} ${p.path}`);
    expect(ours).toEqual(expect.arrayContaining(["9 fleet.pools.0.serves.0.model", "18 models.0.id"]));
  });

  it("in a hardware-profile file: the profile's id, named in that file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-id-profile-"));
    const text = readFileSync(join(PROFILE_DIR, "fx-h100.yaml"), "utf8").replace(
      /^id: fx-h100$/m,
      'id: "@fx-h100"',
    );
    writeFileSync(join(dir, "bad.yaml"), text);
    const problems = await problemsOf(
      loadScenario(writeMinimal(dir), { profileDirs: [dir], catalogFile: CATALOG }),
    );
    const bad = problems.find((p) => RULE.test(p.message));
    expect(bad).toMatchObject({ file: join(dir, "bad.yaml"), path: "id" });
    expect(bad?.line).toBeGreaterThan(0);
  });

  it("letters of any script, digits and _ may start an id; the rest is free (separators, quotes, spaces)", async () => {
    const s = await loadScenarioLines([
      'name: "2025 plan, v2"',
      ...withLine(11, "  - id: 'Ünïon; \"Bank\", EU'").slice(1, 10),
      ...withLine(11, "  - id: 'Ünïon; \"Bank\", EU'").slice(10),
    ]);
    expect(s.name).toBe("2025 plan, v2");
    expect(s.tenants[0].id).toBe('Ünïon; "Bank", EU');
  });
});

function writeMinimal(dir: string): string {
  const file = join(dir, "s.yaml");
  writeFileSync(
    file,
    [
      "name: minimal",
      "horizon: 1d",
      "fleet:",
      "  pools:",
      "    - { id: p, profile: fx-h100, nodes: 1, serves: [{ model: fx-llama-70b, nodes: 1 }] }",
    ].join("\n"),
  );
  return file;
}

async function loadScenarioLines(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "fleetsim-id-ok-"));
  const file = join(dir, "s.yaml");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return loadScenario(file, fixtureOpts);
}
