// @ts-check
/**
 * Mutation testing of the core modules (issue #25, item 7): `npm run mutate` runs them one after
 * another (scripts/mutate.mjs), `npm run mutate -- src/billing/money.ts` one of them. Each module is
 * mutated with only the test files that are about it (CORE below), so a mutant runs a few seconds of
 * tests, not the whole suite. Not part of CI. Scores: docs/mutation.md.
 */

/** The scenario schema's tests: the committed JSON Schema (generated from it), the validator's messages, defaults. */
const SCHEMA_TESTS = [
  "test/scenario/json-schema.test.ts",
  "test/scenario/validator-messages.test.ts",
  "test/scenario/validation-errors.test.ts",
  "test/scenario/defaults.test.ts",
];

/** Core module -> the test files that test it. */
export const CORE = {
  "src/billing/usage-revenue.ts": [
    "test/core/usage-revenue.test.ts",
    "test/billing/closed-form.test.ts",
    "test/billing/conservation.test.ts",
  ],
  "src/engine/event-queue.ts": ["test/engine/event-queue.test.ts", "test/core/event-queue-limits.test.ts"],
  "src/metrics/log-histogram.ts": [
    "test/engine/log-histogram.test.ts",
    "test/core/log-histogram-contract.test.ts",
  ],
  "src/scenario/problems.ts": ["test/core/problems.test.ts", "test/scenario/references.test.ts"],
  "src/billing/money.ts": ["test/billing/money.test.ts", "test/core/money.test.ts"],
  "src/scenario/validate.ts": [
    "test/scenario/validator-messages.test.ts",
    "test/scenario/validation-errors.test.ts",
    "test/scenario/references.test.ts",
  ],
  "src/scenario/schema/fields.ts": SCHEMA_TESTS,
  "src/scenario/schema/workload.ts": SCHEMA_TESTS,
  "src/scenario/schema/model.ts": [
    ...SCHEMA_TESTS,
    "test/scenario/models.test.ts",
    "test/scenario/profiles.test.ts",
    "test/fleet/shipped-files.test.ts",
  ],
  "src/scenario/schema/profile.ts": [
    ...SCHEMA_TESTS,
    "test/scenario/profiles.test.ts",
    "test/fleet/shipped-files.test.ts",
  ],
  "src/scenario/schema/scenario.ts": SCHEMA_TESTS,
};

const mutate = process.env.FLEETSIM_MUTATE ?? "src/billing/money.ts";
// A line range may follow the file (src/billing/money.ts:40-60), as Stryker's --mutate takes it.
const file = mutate.replace(/:[\d:-]+$/, "");
const tests = CORE[/** @type {keyof typeof CORE} */ (file)];
if (!tests)
  throw new Error(`FLEETSIM_MUTATE=${mutate} is not a core module: ${Object.keys(CORE).join(", ")}`);
// Read by vitest.mutate.config.ts in Stryker's test-runner processes (they inherit the environment).
process.env.FLEETSIM_MUTATE_TESTS = tests.join(",");
const name = file
  .replace(/^src\//, "")
  .replace(/\.ts$/, "")
  .replaceAll("/", "-");

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  coverageAnalysis: "perTest",
  mutate: [mutate],
  concurrency: 1,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: ["reports", "results", "dist", ".bench-build", "bench/results.json"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
