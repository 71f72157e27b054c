/**
 * The hot-loop benchmark's engine runs (see bench/hot-loop.ts) by another build of fleetsim: DIR
 * holds a built copy (dist/, bench/scenarios/, scenarios/, hardware-profiles/, package.json and a
 * node_modules link), e.g. a `git worktree` of an old commit after `npm run -s build`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LAMBDA } from "../hot-loop.ts";

/** An EngineRun of the M/M/64 benchmark scenario on the build in `dir`. */
export async function buildEngine(dir) {
  const url = (p) => pathToFileURL(resolve(dir, p)).href;
  const { loadScenario } = await import(url("dist/scenario/load.js"));
  // The run layer's entry point; builds before it (issue #19) had simulate in the request engine.
  const entry = existsSync(resolve(dir, "dist/run/simulate.js"))
    ? "dist/run/simulate.js"
    : "dist/sim/simulation.js";
  const { simulate } = await import(url(entry));
  return async (arrivals, seed) => {
    const s = await loadScenario(resolve(dir, "bench/scenarios/mm64.yaml"), {
      horizon: `${Math.round(arrivals / LAMBDA)}s`,
      seed,
    });
    const run = await simulate(s);
    return { events: run.events, seconds: run.wallSeconds };
  };
}
