import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/errors.js";
import { loadScenario } from "../../src/scenario/load.js";
import {
  fixtureOpts,
  MINIMAL,
  PROFILE_DIR,
  problemsOf,
  problemsOfLines,
  withLine,
  writeScenario,
} from "./helpers.js";

const messages = async (lines: string[]) => (await problemsOfLines(lines)).map(formatProblem);

/** MINIMAL plus a second tenant (lines 17-22) and extra lines. */
const TWO_TENANTS = [
  ...MINIMAL,
  "  - id: beta", // 17
  "    workloads:", // 18
  "      - model: fx-llama-70b", // 19
  "        arrival: { process: constant, rate_per_s: 1 }", // 20
  "        prompt_tokens: { dist: constant, value: 10 }", // 21
  "        output_tokens: { dist: constant, value: 10 }", // 22
];

describe("references between ids", () => {
  it("reports an unknown hardware profile, suggesting a near one", async () => {
    expect(await messages(withLine(6, "      profile: fx-h101"))).toEqual([
      'S:6 fleet.pools.0.profile: unknown hardware profile "fx-h101", did you mean "fx-h100"?',
    ]);
  });

  it("lists the known profiles when none is near", async () => {
    expect(await messages(withLine(6, "      profile: nd-gb200"))).toEqual([
      'S:6 fleet.pools.0.profile: unknown hardware profile "nd-gb200" (known: fx-cobalt, fx-h100)',
    ]);
  });

  it("reports a workload model in neither models: nor the catalog", async () => {
    expect(await messages(withLine(13, "      - model: fx-lama-70b"))).toEqual([
      'S:13 tenants.0.workloads.0.model: unknown model "fx-lama-70b": not in models: nor in the catalog, did you mean "fx-llama-70b"?',
    ]);
  });

  it("checks fallback, serves, reserved_for and event references", async () => {
    const lines = [...MINIMAL];
    lines[8] = "        - { model: gpt-9, nodes: 10 }"; // 9
    lines.splice(6, 0, "      reserved_for: acmee"); // becomes line 7; later lines shift by 1
    lines.push("        fallback: [fx-small, nope]"); // 18
    lines.push("events:"); // 19
    lines.push("  - { at: 1h, type: tenant_shift, tenant: ghost, fraction: 0.5 }"); // 20
    lines.push("  - { at: 2h, type: pool_outage, pool: pool-b, duration: 1h }"); // 21
    lines.push("  - { at: 3h, type: model_outage, model: nope2, duration: 1h }"); // 22
    lines.push("  - { at: 4h, type: price_change, model: fx-small }"); // 23
    expect(await messages(lines)).toEqual([
      'S:7 fleet.pools.0.reserved_for: unknown tenant "acmee", did you mean "acme"?',
      'S:10 fleet.pools.0.serves.0.model: unknown model "gpt-9": not in models: nor in the catalog',
      'S:18 tenants.0.workloads.0.fallback.1: unknown model "nope": not in models: nor in the catalog',
      'S:20 events.0.tenant: unknown tenant "ghost"',
      'S:21 events.1.pool: unknown pool "pool-b", did you mean "pool-a"?',
      'S:22 events.2.model: unknown model "nope2": not in models: nor in the catalog',
      "S:23 events.3: give input_usd_per_mtok, output_usd_per_mtok or both",
    ]);
  });

  it("reports a duplicate tenant id, pointing at the first", async () => {
    expect(await messages(withLine(17, "  - id: acme", TWO_TENANTS))).toEqual([
      'S:17 tenants.1.id: duplicate id "acme" (first at line 11)',
    ]);
  });

  it("reports duplicate pool, model and workload ids", async () => {
    const lines = [
      ...MINIMAL.slice(0, 9),
      "    - { id: pool-a, profile: fx-cobalt, nodes: 1 }", // 10
      ...MINIMAL.slice(9, 16), // 11-17
      "      - id: '2'", // 18: the third workload's default id is "2" too
      "        model: fx-llama-70b", // 19
      "        arrival: { process: poisson, rate_per_s: 5 }", // 20
      "        prompt_tokens: { dist: constant, value: 100 }", // 21
      "        output_tokens: { dist: constant, value: 100 }", // 22
      "      - model: fx-llama-70b", // 23
      "        arrival: { process: poisson, rate_per_s: 5 }", // 24
      "        prompt_tokens: { dist: constant, value: 100 }", // 25
      "        output_tokens: { dist: constant, value: 100 }", // 26
      "models: [{ id: fx-small }, { id: fx-small }]", // 27
    ];
    expect(await messages(lines)).toEqual([
      'S:10 fleet.pools.1.id: duplicate id "pool-a" (first at line 5)',
      'S:23 tenants.0.workloads.2: duplicate id "2" (first at line 18)',
      'S:27 models.1.id: duplicate id "fx-small" (first at line 27)',
    ]);
  });

  it("refuses serves that add up to more nodes than the pool has", async () => {
    const lines = [...MINIMAL.slice(0, 9), "        - { model: fx-small, nodes: 3 }", ...MINIMAL.slice(9)];
    expect(await messages(lines)).toEqual([
      "S:8 fleet.pools.0.serves: give 13 nodes in all, more than the pool's 10 nodes",
    ]);
  });

  it("reports a trace file that does not exist, naming the field", async () => {
    const file = writeScenario(
      withLine(14, "        arrival: { process: trace, file: traces/missing.csv }").filter((_, i) => i < 14),
    );
    const problems = await problemsOf(loadScenario(file, fixtureOpts));
    expect(problems).toEqual([
      {
        file,
        line: 14,
        path: "tenants.0.workloads.0.arrival.file",
        message: `file not found: "traces/missing.csv" (looked for ${join(dirname(file), "traces/missing.csv")})`,
      },
    ]);
  });

  it("refuses token distributions on a trace workload, requires them otherwise", async () => {
    const file = writeScenario(withLine(14, "        arrival: { process: trace, file: t.csv }"));
    writeFileSync(join(dirname(file), "t.csv"), "TIMESTAMP,ContextTokens,GeneratedTokens\n");
    const problems = (await problemsOf(loadScenario(file, fixtureOpts))).map(formatProblem);
    const msg = "must be absent for a trace workload (the trace gives the token counts)";
    expect(problems).toEqual([
      `${file}:15 tenants.0.workloads.0.prompt_tokens: ${msg}`,
      `${file}:16 tenants.0.workloads.0.output_tokens: ${msg}`,
    ]);
    expect(await messages(MINIMAL.slice(0, 15))).toEqual([
      "S:13 tenants.0.workloads.0.output_tokens: is required for a poisson workload",
    ]);
  });

  it("checks distribution bounds that depend on two fields", async () => {
    const lines = withLine(15, "        prompt_tokens: { dist: lognormal, median: 500, p90: 400 }");
    lines[15] = "        output_tokens: { dist: uniform, min: 50, max: 10 }";
    expect(await messages(lines)).toEqual([
      "S:15 tenants.0.workloads.0.prompt_tokens.p90: must be > median (500), got 400",
      "S:16 tenants.0.workloads.0.output_tokens.max: must be >= min (50), got 10",
    ]);
  });

  it("checks regions when the scenario lists them", async () => {
    const lines = [...MINIMAL, "regions: [us-east]"];
    lines[12] = "      - { model: fx-llama-70b, region: eu-west,"; // 13
    lines[13] = "          arrival: { process: poisson, rate_per_s: 5 },"; // 14
    lines[14] = "          prompt_tokens: { dist: constant, value: 100 },"; // 15
    lines[15] = "          output_tokens: { dist: exponential, mean: 50 } }"; // 16
    expect(await messages(lines)).toEqual([
      'S:5 fleet.pools.0.region: must be one of the scenario\'s regions (us-east), got "default"',
      'S:13 tenants.0.workloads.0.region: must be one of the scenario\'s regions (us-east), got "eu-west"',
    ]);
  });

  it("requires a pool reserved for a tenant with a capacity contract", async () => {
    const lines = [...MINIMAL.slice(0, 11), "    contract: { type: capacity }", ...MINIMAL.slice(11)];
    expect(await messages(lines)).toEqual([
      "S:12 tenants.0.contract.type: a capacity contract runs only on pools reserved for its tenant, and no pool has reserved_for: acme",
    ]);
  });
});

describe("fleet changes", () => {
  const withChanges = (...changes: string[]) => [
    ...MINIMAL.slice(0, 9),
    "        - { model: fx-small, nodes: 0 }", // 10
    "  changes:", // 11
    ...changes, // 12...
    ...MINIMAL.slice(9),
  ];

  it("needs exactly one of add_nodes and remove_nodes, and a model when the pool serves several", async () => {
    expect(
      await messages(
        withChanges(
          "    - { at: 1d, pool: pool-a, add_nodes: 1, remove_nodes: 1, model: fx-small }",
          "    - { at: 1d, pool: pool-a, model: fx-small }",
          "    - { at: 1d, pool: pool-a, add_nodes: 2 }",
          "    - { at: 1d, pool: pool-z, add_nodes: 2 }",
        ),
      ),
    ).toEqual([
      "S:12 fleet.changes.0: give exactly one of add_nodes and remove_nodes",
      "S:13 fleet.changes.1: give exactly one of add_nodes and remove_nodes",
      'S:14 fleet.changes.2: needs a model: pool "pool-a" serves 2 models (fx-llama-70b, fx-small)',
      'S:15 fleet.changes.3.pool: unknown pool "pool-z", did you mean "pool-a"?',
    ]);
  });

  it("refuses removing nodes a model does not have at that time (changes replayed in time order)", async () => {
    expect(
      await messages(
        withChanges(
          "    - { at: 2d, pool: pool-a, remove_nodes: 3, model: fx-small }", // after the add at 1d: fine
          "    - { at: 1d, pool: pool-a, add_nodes: 3, model: fx-small }",
          "    - { at: 3d, pool: pool-a, remove_nodes: 11, model: fx-llama-70b }",
          "    - { at: 3d, pool: pool-a, remove_nodes: 1, model: fx-moe }",
        ),
      ),
    ).toEqual([
      'S:14 fleet.changes.2.remove_nodes: removes 11 nodes of "fx-llama-70b" from pool "pool-a", which has 10 then',
      'S:15 fleet.changes.3.remove_nodes: removes 1 nodes of "fx-moe" from pool "pool-a", which has 0 then',
    ]);
  });

  it("refuses a negative time", async () => {
    expect(
      await messages(withChanges("    - { at: -5, pool: pool-a, add_nodes: 1, model: fx-small }")),
    ).toEqual(["S:12 fleet.changes.0.at: must be >= 0, got -5"]);
  });
});

describe("hardware_profiles of the scenario", () => {
  it("adds profile files relative to the scenario, and refuses a path that does not exist", async () => {
    const cobalt = join(PROFILE_DIR, "fx-cobalt.yml");
    const lines = withLine(6, "      profile: fx-cobalt");
    const onlyH100 = { ...fixtureOpts, profileDirs: [join(PROFILE_DIR, "fx-h100.yaml")] };
    const file = writeScenario([...lines, "hardware_profiles: [profiles/fx-cobalt.yml]"]);
    mkdirSync(join(dirname(file), "profiles"));
    copyFileSync(cobalt, join(dirname(file), "profiles", "fx-cobalt.yml"));
    const s = await loadScenario(file, onlyH100);
    expect(s.profiles.map((p) => p.id)).toEqual(["fx-h100", "fx-cobalt"]);
    const bad = writeScenario([...lines, "hardware_profiles: [nowhere/]"]);
    expect((await problemsOf(loadScenario(bad, onlyH100))).map(formatProblem)).toEqual([
      `${bad}:17 hardware_profiles.0: no such file or folder: "nowhere/" (looked for ${join(dirname(bad), "nowhere")})`,
    ]);
  });
});
