/**
 * Issue #25, item 6: a property-based fuzz of the shipped scenarios. Each mutant applies one to
 * three mutations (delete a key, swap a value's type, put an extreme number, duplicate a list
 * item) to a shipped scenario, then goes through `validate` (load + pre-run checks) and a short
 * run, in-process. Whatever the mutant, the outcome is either a clean run (exit 0) or InputErrors
 * (exit 2) whose every line names a file and, for a field, its line; never another exception
 * (exit 1, a stack trace), and never longer than a time bound. A few mutants go through the CLI too.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { computeFinancials } from "../../src/billing/financials.js";
import { summarize } from "../../src/billing/summary.js";
import { InputError, type InputProblem } from "../../src/errors.js";
import { checkScenario } from "../../src/run/preflight.js";
import { simulate } from "../../src/run/simulate.js";
import { loadScenario } from "../../src/scenario/load.js";
import { cli } from "../support/cli.js";
import { repoRoot } from "../support/run-scenario.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20251207);
const MUTANTS = Number(process.env.FUZZ_MUTANTS ?? 500);
/** Events a mutant's short run may take here; above it the run is skipped (`fleetsim run` would run it). */
const EVENT_BUDGET = 300_000;
/** The time bound of one mutant: validate and a short run. */
const MAX_MS_PER_MUTANT = 10_000;

const SCENARIO_DIR = join(repoRoot, "scenarios");
const SHIPPED = readdirSync(SCENARIO_DIR)
  .filter((n) => n.endsWith(".yaml"))
  .sort()
  .map((name) => ({ name, data: absoluteFiles(parse(readFileSync(join(SCENARIO_DIR, name), "utf8"))) }));

/** File fields made absolute, so a mutant written elsewhere still finds its traces. */
function absoluteFiles(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(absoluteFiles);
  if (data !== null && typeof data === "object") {
    return Object.fromEntries(
      Object.entries(data).map(([k, v]) => [
        k,
        k === "file" && typeof v === "string" ? resolve(SCENARIO_DIR, v) : absoluteFiles(v),
      ]),
    );
  }
  return data;
}

type Path = Array<string | number>;

/** Every path of the data (its leaves and its containers), in a stable order. */
function paths(data: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length > 0 ? [at] : [];
  if (Array.isArray(data)) {
    data.forEach((v, i) => {
      out.push(...paths(v, [...at, i]));
    });
  } else if (data !== null && typeof data === "object") {
    for (const [k, v] of Object.entries(data)) out.push(...paths(v, [...at, k]));
  }
  return out;
}

function parentOf(data: unknown, path: Path): Record<string | number, unknown> {
  let cur = data as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  return cur;
}

const EXTREMES = [
  0,
  -1,
  1e308,
  -1e308,
  1e-320,
  1e7,
  2 ** 53,
  0.0000001,
  1e20,
  3.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];
/** Extreme durations, put where the scenario writes a duration as text ("1d", "5m"). */
const EXTREME_DURATIONS = ["0s", "0.0001s", "1000y", "10y", "99999999999999999999d", "1e-9"];
const DURATION_TEXT = /^\d+(\.\d+)?(s|m|h|d|w|mo|y)$/;
const SWAPS: unknown[] = [
  "x",
  "",
  7,
  true,
  null,
  [],
  {},
  [1, 2],
  { a: 1 },
  "1e400",
  "-5m",
  "2025-13-45T00:00:00Z",
];

type Kind = "delete" | "swap" | "extreme" | "duplicate";
interface Mutation {
  kind: Kind;
  pick: number;
  value: number;
}

function mutate(data: unknown, m: Mutation): void {
  const all = paths(data);
  if (m.kind === "duplicate") {
    const listPaths = all.filter((p) => Array.isArray(parentOf(data, p)[p[p.length - 1]]));
    if (listPaths.length === 0) return;
    const p = listPaths[m.pick % listPaths.length];
    const list = parentOf(data, p)[p[p.length - 1]] as unknown[];
    if (list.length > 0) list.push(structuredClone(list[m.value % list.length]));
    return;
  }
  const leaf = (p: Path) => parentOf(data, p)[p[p.length - 1]];
  const extremeable = (v: unknown) =>
    typeof v === "number" || (typeof v === "string" && DURATION_TEXT.test(v));
  const candidates = m.kind === "extreme" ? all.filter((p) => extremeable(leaf(p))) : all;
  if (candidates.length === 0) return;
  const p = candidates[m.pick % candidates.length];
  const parent = parentOf(data, p);
  const key = p[p.length - 1];
  if (m.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.kind === "swap") parent[key] = structuredClone(SWAPS[m.value % SWAPS.length]);
  else if (typeof parent[key] === "string")
    parent[key] = EXTREME_DURATIONS[m.value % EXTREME_DURATIONS.length];
  else parent[key] = EXTREMES[m.value % EXTREMES.length];
}

const mutantArb = fc.record({
  scenario: fc.nat({ max: SHIPPED.length - 1 }),
  mutations: fc.array(
    fc.record({
      // Extreme values are the richest vein: most of them are in range, so they reach the engines.
      kind: fc.constantFrom<Kind>("delete", "swap", "extreme", "extreme", "extreme", "extreme", "duplicate"),
      pick: fc.nat(),
      value: fc.nat(),
    }),
    { minLength: 1, maxLength: 2 },
  ),
});
type Mutant = { scenario: number; mutations: Mutation[] };

const dir = mkdtempSync(join(tmpdir(), "fleetsim-fuzz-"));
let written = 0;

/** The mutant's YAML file. */
function writeMutant(m: Mutant): string {
  const data = structuredClone(SHIPPED[m.scenario].data);
  for (const mutation of m.mutations) mutate(data, mutation);
  const file = join(dir, `mutant-${written++}.yaml`);
  writeFileSync(file, stringify(data));
  return file;
}

type Outcome = "exit 0" | "exit 2" | "exit 0, run over the fuzz budget";

/** A problem as the contract wants it: a file, and a line whenever it names a field of a file. */
function wellPlaced(p: InputProblem): boolean {
  if (p.file.startsWith("--")) return true;
  return p.path === undefined || p.line !== undefined;
}

/** `fleetsim validate` then `fleetsim run --horizon 2m`, in-process; throws on anything but InputError. */
async function outcomeOf(file: string): Promise<{ outcome: Outcome; problems: InputProblem[] }> {
  try {
    await checkScenario(await loadScenario(file));
    const s = await loadScenario(file, { horizon: "2m" });
    let over = false;
    const run = await simulate(s, {
      workers: 1,
      preflight: (e) => {
        if (e.events > EVENT_BUDGET) {
          over = true;
          throw new InputError({ file, message: "over the fuzz budget" });
        }
      },
    }).catch((e: unknown) => {
      if (over) return null;
      throw e;
    });
    if (run === null) return { outcome: "exit 0, run over the fuzz budget", problems: [] };
    summarize(run, computeFinancials(run));
    return { outcome: "exit 0", problems: [] };
  } catch (e) {
    if (e instanceof InputError) return { outcome: "exit 2", problems: e.problems };
    throw e;
  }
}

describe("fuzzing the shipped scenarios", () => {
  it(`${MUTANTS} mutants: validate and a short run exit 0 or 2, never 1, each within ${MAX_MS_PER_MUTANT} ms`, async () => {
    const counts: Record<string, number> = {};
    const badlyPlaced: string[] = [];
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(mutantArb, async (m) => {
        const file = writeMutant(m);
        const t0 = performance.now();
        const { outcome, problems } = await outcomeOf(file);
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        for (const p of problems)
          if (!wellPlaced(p)) badlyPlaced.push(`${SHIPPED[m.scenario].name}: ${JSON.stringify(p)}`);
        expect(ms).toBeLessThan(MAX_MS_PER_MUTANT);
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { seed: SEED, numRuns: MUTANTS, endOnFailure: true },
    );
    console.log(
      `fuzz: ${MUTANTS} mutants (seed ${SEED}): ${Object.entries(counts)
        .map(([k, n]) => `${k}: ${n}`)
        .join(", ")}; other (exit 1): 0; slowest ${Math.round(slowest)} ms`,
    );
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(MUTANTS);
    // Not vacuous: the mutants reach both outcomes.
    expect(counts["exit 2"]).toBeGreaterThan(MUTANTS / 4);
    expect((counts["exit 0"] ?? 0) + (counts["exit 0, run over the fuzz budget"] ?? 0)).toBeGreaterThan(0);
    expect(badlyPlaced).toEqual([]);
  });

  it("agrees with the CLI on a few mutants: exit 0 or 2, one line per problem, no stack trace", () => {
    const sample = fc.sample(mutantArb, { seed: SEED + 1, numRuns: 3 });
    for (const m of sample) {
      const file = writeMutant(m);
      const r = cli(["validate", file]);
      expect([0, 2]).toContain(r.status);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      if (r.status === 2) {
        for (const line of r.stderr.trim().split("\n")) expect(line).toMatch(/^(\S+?)(:\d+)?( \S+)?: /);
      }
    }
  });
});
