/** The engine's side of the hot loop: one run of bench/scenarios/mm64.yaml by this build (see bench/hot-loop.ts). */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { simulate } from "../src/run/simulate.js";
import { loadScenario } from "../src/scenario/load.js";
import { LAMBDA } from "./hot-loop.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The project's root (this file is compiled into .bench-build/bench/). */
export const root = resolve(here, "..", "..");
export const benchDir = join(root, "bench");

export async function engineMmc(arrivals: number, seed: number) {
  const s = await loadScenario(join(benchDir, "scenarios", "mm64.yaml"), {
    horizon: `${Math.round(arrivals / LAMBDA)}s`,
    seed,
  });
  const run = await simulate(s);
  return { events: run.events, seconds: run.wallSeconds, requests: run.stats[0].requests };
}
