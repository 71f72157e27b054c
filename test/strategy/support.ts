/** Test support for strategy what-ifs: scenarios built as objects, written to a temp YAML file, loaded and run. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { computeFinancials } from "../../src/billing/financials.js";
import { summarize } from "../../src/billing/summary.js";
import { simulate } from "../../src/run/simulate.js";
import { type LoadOptions, loadScenario } from "../../src/scenario/load.js";

const dir = mkdtempSync(join(tmpdir(), "fleetsim-strategy-"));
let count = 0;

/** Writes a scenario object as YAML and returns the file's path. */
export function writeScenario(doc: object): string {
  const file = join(dir, `scenario-${count++}.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

/** Loads and simulates a scenario object (no billing). */
export async function simulateDoc(doc: object, opts: LoadOptions = {}) {
  const scenario = await loadScenario(writeScenario(doc), opts);
  return { scenario, run: await simulate(scenario) };
}

/** Loads, simulates and bills a scenario object. */
export async function runDoc(doc: object, opts: LoadOptions = {}) {
  const { scenario, run } = await simulateDoc(doc, opts);
  const fin = computeFinancials(run);
  return { scenario, run, fin, summary: summarize(run, fin) };
}

/** Requests of one tenant (arrivals: completed + rejected + in flight). */
export function tenantRequests(run: Awaited<ReturnType<typeof simulate>>, tenant: string): number {
  const ti = run.scenario.tenants.findIndex((t) => t.id === tenant);
  return run.stats.filter((st) => st.tenantIndex === ti).reduce((a, st) => a + st.requests, 0);
}

/** Fixed-size requests: prefill and decode times are the same for every request. */
export const smallTokens = {
  prompt_tokens: { dist: "constant", value: 500 },
  output_tokens: { dist: "constant", value: 50 },
};
