/** The files a scenario reads: its own file, its profiles, traces and empirical token tables. */
import { isAbsolute } from "node:path";
import type { Scenario } from "./types.js";

/**
 * Every absolute path held in a `file` field anywhere in the resolved scenario (the loader makes
 * every such path absolute), so a new kind of input file is covered without a change here.
 */
export function scenarioInputs(s: Scenario): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "file" && typeof x === "string" && x !== "" && isAbsolute(x)) found.add(x);
        else walk(x);
      }
    }
  };
  walk(s);
  return [...found].sort();
}
