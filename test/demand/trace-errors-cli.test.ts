/**
 * Broken traces through the command line: each exits 2, names the file and line on stderr (the
 * trace's line for a bad row, the scenario's line for a missing file), prints no stack trace and
 * writes nothing into --out (an existing --out folder is left exactly as it was).
 * Fixtures: test/fixtures/demand/trace-error.yaml and traces/; the late error sits on line 5,501
 * of 6,001, past the first 4,096-row buffer of the streaming reader. The same scenario with
 * traces/good.csv runs (checked in-process, the control); azure-trace-replay.test.ts runs a trace
 * through the CLI to the end.
 */

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FOLDER_MANIFEST, folderManifest, manifestText } from "../../src/output/folder-manifest.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";
import { type CliResult, cliAsync } from "./cli-async.js";

const SCENARIO = "test/fixtures/demand/trace-error.yaml";
const traceFile = (name: string) => scenarioPath(`test/fixtures/demand/traces/${name}`);
const useTrace = (name: string) => ["--set", `tenants.t.workloads.w.arrival.file=traces/${name}`];

/** An --out folder holding an earlier result, and a check that it is unchanged and alone. */
function earlierResults() {
  const parent = mkdtempSync(join(tmpdir(), "fleetsim-trace-err-"));
  const out = join(parent, "results");
  mkdirSync(out);
  writeFileSync(join(out, "summary.csv"), "earlier");
  // fleetsim's own earlier results: a folder --out may replace (its manifest lists its files).
  const manifest = manifestText(folderManifest("run", ["run"], ["summary.csv"]));
  writeFileSync(join(out, FOLDER_MANIFEST), manifest);
  return {
    out,
    expectUntouched() {
      expect(readdirSync(parent)).toEqual(["results"]);
      expect(readdirSync(out).sort()).toEqual([FOLDER_MANIFEST, "summary.csv"]);
      expect(readFileSync(join(out, FOLDER_MANIFEST), "utf8")).toBe(manifest);
      expect(readFileSync(join(out, "summary.csv"), "utf8")).toBe("earlier");
    },
  };
}

function expectInputError(r: CliResult, where: RegExp) {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(where);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

// Each case is its own child process; they run concurrently.
describe.concurrent("trace errors through the CLI", () => {
  it("the control: the scenario with its good trace runs every row", async () => {
    const { run } = await runScenario(SCENARIO);
    expect(run.stats[0].completed).toBe(20);
  });

  const cases: Array<[string, string]> = [
    ["bad-timestamp.csv", ':8 TIMESTAMP: must be a date and time like .*, got "2023-11-16 18:00:0x.5000000"'],
    ["negative-tokens.csv", ":11 GeneratedTokens: must be >= 0, got -5"],
    ["missing-column.csv", ':1 GeneratedTokens: no such column; the header has "TIMESTAMP", "ContextTokens"'],
    ["late-negative-tokens.csv", ":5501 GeneratedTokens: must be >= 0, got -7"],
  ];
  for (const [name, message] of cases) {
    it(`${name}: exit 2, ${message.replace(/\\/g, "")}`, async () => {
      const dir = earlierResults();
      const r = await cliAsync(["run", SCENARIO, "--out", dir.out, "--quiet", ...useTrace(name)]);
      const escaped = traceFile(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      expectInputError(r, new RegExp(`^${escaped}${message}\n$`));
      dir.expectUntouched();
    });
  }

  it("a missing trace file: exit 2 at the scenario's file:line of arrival.file", async () => {
    // The scenario copied alone into an empty folder: its traces/good.csv does not exist there.
    const lonely = join(mkdtempSync(join(tmpdir(), "fleetsim-no-trace-")), "trace-error.yaml");
    copyFileSync(scenarioPath(SCENARIO), lonely);
    const line =
      readFileSync(lonely, "utf8")
        .split("\n")
        .findIndex((l) => l.includes("traces/good.csv")) + 1;
    expect(line).toBeGreaterThan(1);
    const dir = earlierResults();
    const r = await cliAsync(["run", lonely, "--out", dir.out, "--quiet"]);
    expectInputError(
      r,
      new RegExp(`trace-error\\.yaml:${line} tenants\\.0\\.workloads\\.0\\.arrival\\.file: .*not found`),
    );
    dir.expectUntouched();
  });
});
