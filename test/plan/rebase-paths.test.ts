/**
 * plan.yaml's relative paths are rewritten from the scenario's folder to the output folder, so
 * that it runs where fleetsim writes it: hardware_profiles entries and every workload `file:`
 * (traces, empirical lengths); absolute paths and everything else are left as they are.
 */

import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { rebasePath, rebaseScenarioPaths } from "../../src/plan/rebase-paths.js";

describe("plan.yaml path rebasing", () => {
  it("rewrites a path relative to one folder as one relative to another", () => {
    expect(rebasePath("profiles", "/w/scen", "/w/scen/results/x-plan")).toBe("../../profiles");
    expect(rebasePath("../traces/a.csv", "/w/scen", "/w/out")).toBe("../traces/a.csv");
    expect(rebasePath("t.csv", "/w/scen", "/elsewhere/out")).toBe("../../w/scen/t.csv");
    expect(rebasePath("/abs/t.csv", "/w/scen", "/w/out")).toBe("/abs/t.csv");
    expect(rebasePath("sub", "/w", "/w/sub")).toBe(".");
  });

  it("rewrites hardware_profiles and workload files, keeps comments and every other string", () => {
    const doc = parseDocument(`# a comment
name: x
hardware_profiles: [profiles, /opt/p]
models: [{ id: m, file: keep-me }]
tenants:
  - id: t
    workloads:
      - model: m
        arrival: { process: trace, trace: { file: traces/a.csv } }
        prompt_tokens: { dist: empirical, file: lens.csv, column: prompt }
`);
    rebaseScenarioPaths(doc, "/w/scen/s.yaml", "/w/scen/results/x-plan");
    const out = doc.toString();
    expect(out).toContain("# a comment");
    expect(out).toContain("hardware_profiles: [ ../../profiles, /opt/p ]");
    expect(out).toContain("file: ../../traces/a.csv");
    expect(out).toContain("file: ../../lens.csv");
    expect(out).toContain("file: keep-me");
    expect(out).toContain("column: prompt");
  });
});
