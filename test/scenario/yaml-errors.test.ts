import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/load.js";
import { fixtureOpts, MINIMAL, problemsOf, problemsOfLines, SCENARIOS, withLine } from "./helpers.js";

describe("YAML-level errors", () => {
  it("reports a syntax error with its line", async () => {
    const problems = await problemsOfLines(withLine(14, "        arrival: process: poisson"));
    expect(problems).toEqual([
      { file: "S", line: 14, message: "Nested mappings are not allowed in compact mappings" },
    ]);
  });

  it("reports bad indentation with its line", async () => {
    const problems = await problemsOfLines(withLine(7, "     nodes: 10"));
    // The yaml parser reports this one several ways; the first names the line.
    expect(problems[0]).toEqual({ file: "S", line: 7, message: "Sequence item without - indicator" });
  });

  it("reports a repeated key", async () => {
    const problems = await problemsOfLines([...MINIMAL.slice(0, 2), "horizon: 2d", ...MINIMAL.slice(2)]);
    expect(problems).toEqual([{ file: "S", line: 3, message: "Map keys must be unique" }]);
  });

  it.each([
    ["an empty file", [""]],
    ["only comments", ["# nothing here", "   # still nothing"]],
    ["a null document", ["---", "~"]],
  ])("refuses %s", async (_, lines) => {
    expect(await problemsOfLines(lines)).toEqual([{ file: "S", line: 1, message: "the file is empty" }]);
  });

  it("refuses a scenario that is not a mapping", async () => {
    expect(await problemsOfLines(["- a", "- b"])).toEqual([
      { file: "S", line: 1, message: "must be a mapping, got a list" },
    ]);
  });

  it("refuses an alias bomb quickly, without expanding it", async () => {
    const file = join(SCENARIOS, "alias-bomb.yaml");
    const t0 = performance.now();
    const problems = await problemsOf(loadScenario(file, fixtureOpts));
    const ms = performance.now() - t0;
    expect(problems).toHaveLength(1);
    expect(problems[0].file).toBe(file);
    expect(problems[0].message).toMatch(/^too many YAML alias expansions \(more than 1000\)/);
    // Expanding 9^9 leaves would take minutes and gigabytes; refusing takes milliseconds.
    expect(ms).toBeLessThan(1000);
  });

  it("says so when the file does not exist", async () => {
    const file = join(SCENARIOS, "no-such.yaml");
    expect(await problemsOf(loadScenario(file, fixtureOpts))).toEqual([{ file, message: "no such file" }]);
  });
});
