/** Runs an autoscaling fixture as `fleetsim run` would, with its request log and scaling log. */
import type { RequestRecord } from "../../src/contract/request-log.js";
import type { LoadOptions } from "../../src/scenario/load.js";
import { runScenario } from "../support/run-scenario.js";

export async function runLogged(file: string, opts: LoadOptions = {}) {
  const log: RequestRecord[] = [];
  const r = await runScenario(file, opts, false, { requestLog: { add: (x) => log.push({ ...x }) } });
  return { ...r, log, events: r.run.scaling?.events ?? [] };
}

/** p99 of the values (nearest rank). */
export function p99(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.max(0, Math.ceil(0.99 * v.length) - 1)];
}
