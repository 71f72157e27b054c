/**
 * The layer rules of docs/architecture.md, as data: which top folders of src/ each folder may
 * import ("root" is src/*.ts: errors.ts, worker-entry.ts). A folder may always import its own
 * modules. Changing a rule here is changing the architecture: update docs/architecture.md with it.
 */
import { type ImportGraph, layerOf } from "./import-graph.js";

const BASE = ["root"];
/** What the scenario describes and what a run measures: read by every layer above. */
const INPUTS = ["scenario", "fleet", "workload", "metrics", ...BASE];
/** The domain below the run layer: the contract and what reads it. */
const DOMAIN = ["contract", "scheduler", "autoscaler", "capacity", "billing", ...INPUTS];

export const ALLOWED: Record<string, readonly string[]> = {
  root: [],
  engine: [],
  scenario: BASE,
  fleet: ["scenario", ...BASE],
  workload: ["scenario", "engine", ...BASE],
  metrics: BASE,
  contract: INPUTS,
  scheduler: ["contract", "engine", ...INPUTS],
  // What a finished run used of its capacity (utilisation, headroom): read by billing (energy).
  capacity: ["contract", ...INPUTS],
  billing: ["contract", "capacity", ...INPUTS],
  // The autoscaler: decides from what an engine observes, engine-neutral (src/autoscaler).
  autoscaler: ["contract", "engine", ...INPUTS],
  // The engines: the request engine on the event engine, the fluid engine on its own steps.
  request: ["contract", "scheduler", "autoscaler", "engine", ...INPUTS],
  fluid: ["contract", "scheduler", "autoscaler", ...INPUTS],
  run: ["request", "fluid", "engine", ...DOMAIN],
  // Fitting a profile to measurements: one step replica replayed on the event engine.
  calibrate: ["scheduler", "engine", ...INPUTS],
  output: DOMAIN,
  report: ["output", ...BASE],
  compare: ["run", "output", ...DOMAIN],
  sweep: ["run", "compare", "output", ...DOMAIN],
  // The capacity planner: screens fleets analytically, confirms them with runs (src/plan). Its
  // screen cuts demand by prompt length as the fluid mode does (fluid/prompt-split.ts).
  plan: ["run", "fluid", "compare", "sweep", "output", ...DOMAIN],
  // The library's entry points (package.json "exports"): a layer over the same modules as the CLI.
  api: ["run", "compare", "sweep", "plan", "calibrate", "output", ...DOMAIN],
  cli: ["api", "run", "compare", "sweep", "plan", "calibrate", "output", "report", "engine", ...DOMAIN],
};

/** The engines' entry points: only the run layer calls them. */
export const ENGINE_ENTRIES = ["request/simulation.ts", "fluid/simulate-fluid.ts"];

/** Packages of the command line and of output files, which the layers below them never import. */
export const OUTER_PACKAGES: Record<string, readonly string[]> = {
  yargs: ["cli"],
  "yargs/helpers": ["cli"],
  "cli-progress": ["cli"],
  "csv-stringify/sync": ["output", "sweep"],
};

/**
 * What the command line reaches only through the library API (src/api), so that the CLI stays a
 * thin layer over it: loading a scenario, running, billing, comparing, sweeping, merging, the schema.
 */
export const THROUGH_API = [
  "scenario/load.ts",
  "scenario/json-schema.ts",
  "run/simulate.ts",
  "billing/financials.ts",
  "billing/summary.ts",
  "compare/run-comparison.ts",
  "sweep/run-sweep.ts",
  "sweep/merge.ts",
];

/** Every import by src/cli of a module it must reach through src/api. */
export function apiBypasses(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    if (layerOf(from) !== "cli") continue;
    for (const to of targets) if (THROUGH_API.includes(to)) out.push(`${from} -> ${to}: go through src/api`);
  }
  return out;
}

/** Every import the rules forbid, as "from -> to: why". */
export function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from);
    const allowed = ALLOWED[a];
    if (allowed === undefined) {
      out.push(`${from}: folder src/${a} has no rule in test/architecture/layers.ts`);
      continue;
    }
    for (const to of targets) {
      const b = layerOf(to);
      if (b !== a && !allowed.includes(b)) out.push(`${from} -> ${to}: src/${a} may not import src/${b}`);
      if (ENGINE_ENTRIES.includes(to) && a !== "run") {
        out.push(`${from} -> ${to}: only src/run calls an engine's entry point`);
      }
    }
  }
  return out;
}

/** Every import of a command-line or output package from a folder that may not use it. */
export function packageViolations(packagesOf: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, packages] of packagesOf) {
    for (const p of packages) {
      const users = OUTER_PACKAGES[p];
      if (users !== undefined && !users.includes(layerOf(from)))
        out.push(`${from} -> ${p}: only ${users.join(", ")}`);
    }
  }
  return out;
}
