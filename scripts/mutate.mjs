/**
 * `npm run mutate [-- [--mutate] <module>...]`: StrykerJS on the core modules, one at a time (each
 * with only its own tests, see stryker.config.mjs), then a table of their mutation scores. With no
 * module named, every core module. Reports: reports/mutation/<module>.html and .json. Not run in CI.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { CORE } from "../stryker.config.mjs";

const named = process.argv.slice(2).filter((a) => a !== "--mutate");
const modules = named.length > 0 ? named : Object.keys(CORE);
for (const m of modules)
  if (!(m in CORE)) throw new Error(`not a core module: ${m} (${Object.keys(CORE).join(", ")})`);

const rows = [];
for (const m of modules) {
  const run = spawnSync("npx", ["stryker", "run", "stryker.config.mjs"], {
    stdio: "inherit",
    env: { ...process.env, FLEETSIM_MUTATE: m },
  });
  if (run.status !== 0) throw new Error(`stryker failed on ${m} (exit ${run.status})`);
  const json = `reports/mutation/${m
    .replace(/^src\//, "")
    .replace(/\.ts$/, "")
    .replaceAll("/", "-")}.json`;
  if (!existsSync(json)) continue;
  const report = JSON.parse(readFileSync(json, "utf8"));
  const count = {};
  for (const file of Object.values(report.files))
    for (const mutant of file.mutants) count[mutant.status] = (count[mutant.status] ?? 0) + 1;
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0);
  const valid = detected + (count.Survived ?? 0) + (count.NoCoverage ?? 0);
  rows.push({ m, detected, valid, survived: count.Survived ?? 0, noCoverage: count.NoCoverage ?? 0 });
}
console.log("\nmodule                          score   killed/valid  survived  no coverage");
for (const r of rows)
  console.log(
    `${r.m.padEnd(32)}${((100 * r.detected) / r.valid).toFixed(2).padStart(6)} %  ${`${r.detected}/${r.valid}`.padStart(12)}  ${String(r.survived).padStart(8)}  ${String(r.noCoverage).padStart(11)}`,
  );
