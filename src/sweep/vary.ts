/**
 * `--vary PATH=V1,V2,…` axes of a sweep. PATH is a `--set` path; each value is read as YAML, as
 * `--set` reads it. Values are split on the commas that stand outside brackets, braces and quotes,
 * so `--vary x=[a, b],[c]` has two values.
 */
import { parse } from "yaml";
import { InputError } from "../errors.js";

export const VARY_FLAG = "--vary";

export interface VaryAxis {
  path: string;
  /** The values as written (trimmed): they are passed on as `PATH=VALUE` and shown in the outputs. */
  values: string[];
}

export function parseVaryAxes(entries: readonly string[]): VaryAxis[] {
  const axes = entries.map(parseVary);
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.path)) fail(`${a.path} is varied twice; give all its values in one --vary`);
    seen.add(a.path);
  }
  return axes;
}

function fail(message: string): never {
  throw new InputError({ file: VARY_FLAG, message });
}

function parseVary(entry: string): VaryAxis {
  const eq = entry.indexOf("=");
  if (eq <= 0) fail(`expected PATH=V1,V2,…, got ${JSON.stringify(entry)}`);
  const path = entry.slice(0, eq).trim();
  if (path.split(".").some((s) => s === "")) fail(`the path has an empty segment (in ${entry})`);
  // The seed is what --seeds varies; varying it too would make runs collide.
  if (path === "seed") fail("the seed is varied by --seeds, not --vary");
  const values = splitTopLevel(entry.slice(eq + 1)).map((v) => v.trim());
  values.forEach((v, i) => {
    if (v === "") fail(`value ${i + 1} is empty (in ${entry})`);
    try {
      parse(v);
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).split("\n")[0];
      fail(`value ${i + 1} is not valid YAML: ${why} (in ${entry})`);
    }
  });
  if (new Set(values).size !== values.length) fail(`a value is listed twice (in ${entry})`);
  return { path, values };
}

/** Splits on commas outside [], {} and quotes. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== null) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") depth++;
    else if ((c === "]" || c === "}") && depth > 0) depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
