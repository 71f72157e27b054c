/**
 * The import graph of src/ has no cycle and keeps the layer rules of docs/architecture.md
 * (test/architecture/layers.ts): engines below the run layer, nothing below the command line
 * importing it, only src/run calling the engines.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cycles, type ImportGraph, sourceImports, specifiers } from "./import-graph.js";
import { apiBypasses, layerViolations, packageViolations } from "./layers.js";

const src = fileURLToPath(new URL("../../src", import.meta.url));

describe("the imports of src/", () => {
  const { graph, packages } = sourceImports(src);

  it("walks every module", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("run/simulate.ts")).toContain("fluid/simulate-fluid.ts");
  });

  it("form no cycle", () => {
    expect(cycles(graph).map((c) => c.join(" -> "))).toEqual([]);
  });

  it("keep the layer rules", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it("take the command line to loading, running, billing, comparing and sweeping only through src/api", () => {
    expect(apiBypasses(graph)).toEqual([]);
    // The rule can fail: an import of the loader from a command is found.
    expect(apiBypasses(new Map([["cli/commands/x.ts", ["scenario/load.ts"]]]))).toEqual([
      "cli/commands/x.ts -> scenario/load.ts: go through src/api",
    ]);
  });

  it("keep the command line's and the output files' packages out of the layers below", () => {
    expect(packageViolations(packages)).toEqual([]);
  });
});

describe("the checks themselves", () => {
  const graph = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

  it("find the import forms src/ uses, and none in comments", () => {
    const code = [
      'import { a } from "./a.js";',
      'import type { B } from "../b/b.js";',
      "import {\n  c,\n  type D,\n} from './c.js';",
      'export { e } from "./e.js";',
      'import "./side-effect.js";',
      'const f = await import("./f.js");',
      '// import { g } from "./g.js";',
      '/* import { h } from "./h.js"; */',
      'const glob = "src/**/*.ts"; // */',
      'import { readFileSync } from "node:fs";',
    ].join("\n");
    expect(specifiers(code)).toEqual([
      "./a.js",
      "../b/b.js",
      "./c.js",
      "./e.js",
      "./side-effect.js",
      "./f.js",
      "node:fs",
    ]);
  });

  it("report a cycle, and none in a chain", () => {
    expect(cycles(graph({ "a/x.ts": ["b/y.ts"], "b/y.ts": ["c/z.ts"], "c/z.ts": [] }))).toEqual([]);
    expect(
      cycles(graph({ "a/x.ts": ["b/y.ts"], "b/y.ts": ["c/z.ts"], "c/z.ts": ["a/x.ts"] })).map((c) =>
        c.join(" -> "),
      ),
    ).toEqual(["a/x.ts -> b/y.ts -> c/z.ts -> a/x.ts"]);
  });

  it("report an engine importing the domain, a domain module importing the command line, a call of an engine from outside the run layer", () => {
    expect(
      layerViolations(
        graph({
          "engine/simulator.ts": ["scenario/types.ts"],
          "billing/summary.ts": ["cli/progress.ts"],
          "sweep/run-one.ts": ["request/simulation.ts"],
          "run/simulate.ts": ["request/simulation.ts", "fluid/simulate-fluid.ts"],
        }),
      ),
    ).toEqual([
      "engine/simulator.ts -> scenario/types.ts: src/engine may not import src/scenario",
      "billing/summary.ts -> cli/progress.ts: src/billing may not import src/cli",
      "sweep/run-one.ts -> request/simulation.ts: src/sweep may not import src/request",
      "sweep/run-one.ts -> request/simulation.ts: only src/run calls an engine's entry point",
    ]);
  });

  it("report a command-line or CSV-writing package used below the command line or the outputs", () => {
    const packages = new Map([
      ["cli/main.ts", ["yargs", "yargs/helpers"]],
      ["output/csv.ts", ["csv-stringify/sync"]],
      ["billing/summary.ts", ["csv-stringify/sync"]],
      ["run/simulate.ts", ["cli-progress", "yaml"]],
    ]);
    expect(packageViolations(packages)).toEqual([
      "billing/summary.ts -> csv-stringify/sync: only output, sweep",
      "run/simulate.ts -> cli-progress: only cli",
    ]);
  });
});
