/**
 * `npm run mutate [-- [--mutate] <module>[:lines]...]`: StrykerJS on the core modules, one at a
 * time (each with only its own tests, see stryker.config.mjs), then a table of their mutation
 * scores. With no module named, every core module. Reports: reports/mutation/<module>.html and
 * .json. Not run in CI. docs/mutation.md has the scores and the equivalent mutants.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { CORE } from "../stryker.config.mjs";

/** src/billing/money.ts:40-60 -> src/billing/money.ts */
const fileOf = (m) => m.replace(/:[\d:-]+$/, "");

const named = process.argv.slice(2).filter((a) => a !== "--mutate");
const modules = named.length > 0 ? named : Object.keys(CORE);
for (const m of modules)
  if (!(fileOf(m) in CORE)) throw new Error(`not a core module: ${m} (${Object.keys(CORE).join(", ")})`);

const rows = [];
for (const m of modules) {
  const run = spawnSync("npx", ["stryker", "run", "stryker.config.mjs"], {
    stdio: "inherit",
    env: { ...process.env, FLEETSIM_MUTATE: m },
  });
  if (run.status !== 0) throw new Error(`stryker failed on ${m} (exit ${run.status})`);
  const name = fileOf(m)
    .replace(/^src\//, "")
    .replace(/\.ts$/, "")
    .replaceAll("/", "-");
  const json = `reports/mutation/${name}.json`;
  if (!existsSync(json)) continue;
  const report = JSON.parse(readFileSync(json, "utf8"));
  const count = {};
  // A mutant that makes a test file fail to load, or a beforeAll hook fail, keeps that file's tests
  // from running: Stryker's vitest runner counts it as survived if no test that did run failed,
  // though `vitest run` would fail. Shown apart: survivors that ran fewer tests than they should
  // (every test for a static mutant, else the tests that cover it).
  const allTests = Object.values(report.testFiles ?? {}).reduce((n, f) => n + f.tests.length, 0);
  let noTestRan = 0;
  for (const file of Object.values(report.files))
    for (const mutant of file.mutants) {
      count[mutant.status] = (count[mutant.status] ?? 0) + 1;
      const expected = mutant.static ? allTests : (mutant.coveredBy ?? []).length;
      if (mutant.status === "Survived" && mutant.testsCompleted < expected) noTestRan++;
    }
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0);
  const valid = detected + (count.Survived ?? 0) + (count.NoCoverage ?? 0);
  rows.push({
    m,
    detected,
    valid,
    survived: count.Survived ?? 0,
    noCoverage: count.NoCoverage ?? 0,
    noTestRan,
  });
}
const pct = (a, b) => `${((100 * a) / b).toFixed(2).padStart(6)} %`;
console.log(
  "\nmodule                               score   killed/valid  survived  no coverage  survived, tests not run  score counting those",
);
for (const r of rows)
  console.log(
    `${r.m.padEnd(36)}${pct(r.detected, r.valid)}  ${`${r.detected}/${r.valid}`.padStart(12)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(11)}  ${String(r.noTestRan).padStart(23)}  ${pct(r.detected + r.noTestRan, r.valid).padStart(21)}`,
  );
