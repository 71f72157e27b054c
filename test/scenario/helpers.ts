/** Shared by the scenario-loader tests: fixture paths and loading YAML text from a temp folder. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { InputError, type InputProblem } from "../../src/errors.js";
import { type LoadOptions, loadScenario } from "../../src/scenario/load.js";
import type { Scenario } from "../../src/scenario/types.js";

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures");
export const PROFILE_DIR = join(FIXTURES, "profiles");
export const CATALOG = join(PROFILE_DIR, "models.yaml");
export const SCENARIOS = join(FIXTURES, "scenarios");

/** Loader options that read only the test fixtures (never the shipped data). */
export const fixtureOpts: LoadOptions = { profileDirs: [PROFILE_DIR], catalogFile: CATALOG };

/** Writes lines of YAML (line n of the file = element n-1) to a fresh temp file and returns its path. */
export function writeScenario(lines: string[], name = "scenario.yaml"): string {
  const dir = mkdtempSync(join(tmpdir(), "fleetsim-scenario-"));
  const file = join(dir, name);
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

export function loadLines(lines: string[], opts: LoadOptions = {}): Promise<Scenario> {
  return loadScenario(writeScenario(lines), { ...fixtureOpts, ...opts });
}

/** The problems of a load that must fail with an InputError. */
export async function problemsOf(load: Promise<unknown>): Promise<InputProblem[]> {
  try {
    await load;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
  throw new Error("expected an InputError, but the load succeeded");
}

/** Problems of loading these lines, with the temp file name replaced by "S" for short assertions. */
export async function problemsOfLines(lines: string[], opts: LoadOptions = {}): Promise<InputProblem[]> {
  const file = writeScenario(lines);
  const problems = await problemsOf(loadScenario(file, { ...fixtureOpts, ...opts }));
  return problems.map((p) => (p.file === file ? { ...p, file: "S" } : p));
}

/** The minimal valid scenario as lines (pool at lines 4-9, tenant at lines 10-16). */
export const MINIMAL = [
  "name: minimal", // 1
  "horizon: 1d", // 2
  "fleet:", // 3
  "  pools:", // 4
  "    - id: pool-a", // 5
  "      profile: fx-h100", // 6
  "      nodes: 10", // 7
  "      serves:", // 8
  "        - { model: fx-llama-70b, nodes: 10 }", // 9
  "tenants:", // 10
  "  - id: acme", // 11
  "    workloads:", // 12
  "      - model: fx-llama-70b", // 13
  "        arrival: { process: poisson, rate_per_s: 5 }", // 14
  "        prompt_tokens: { dist: constant, value: 100 }", // 15
  "        output_tokens: { dist: exponential, mean: 50 }", // 16
];

/** MINIMAL with line n (1-based) replaced. */
export function withLine(n: number, text: string, base: string[] = MINIMAL): string[] {
  const out = [...base];
  out[n - 1] = text;
  return out;
}
