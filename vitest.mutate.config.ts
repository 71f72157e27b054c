/**
 * The vitest configuration Stryker runs a core module's tests with (stryker.config.mjs): the
 * project's, limited to the test files listed for that module.
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

const tests = (process.env.FLEETSIM_MUTATE_TESTS ?? "").split(",").filter((t) => t.length > 0);

export default defineConfig({
  ...base,
  test: { ...base.test, include: tests.length > 0 ? tests : base.test?.include },
});
