/**
 * `--set PATH=VALUE` overrides, applied to the raw scenario data before validation.
 * PATH is dotted; a list item is named by its index or by its `id` (ids may contain dots:
 * `models.claude-3.5-sonnet.price.input_usd_per_mtok` works). VALUE is read as YAML
 * (`90`, `7d`, `[a, b]`, `{dist: constant, value: 5}`). A mapping key that is absent is created
 * (validation then rejects it if the field does not exist); a list item that is absent is an error.
 */
import { isScalar, parseDocument } from "yaml";
import { InputError } from "../errors.js";
import { type FieldPath, FORBIDDEN_KEYS, forbiddenKeyMessage, parseYamlText } from "./yaml-source.js";

export const SET_FILE = "--set";

export interface AppliedSet {
  entry: string;
  /** The path with list items as indexes, as validation reports it. */
  path: Array<string | number>;
}

/**
 * Whether a problem in the field at `path` belongs to the `--set` that wrote `set`: the field is
 * the one written or lies inside it, or, absent from the file (`inFile` false), it holds the field
 * written (its line would otherwise be the nearest parent in the file, often line 1).
 */
export function fromSet(
  path: readonly (string | number)[],
  set: readonly (string | number)[],
  inFile: boolean,
): boolean {
  const under = set.every((key, i) => String(path[i]) === String(key));
  const holds = !inFile && path.every((key, i) => String(set[i]) === String(key));
  return under || holds;
}

export function applySets(data: unknown, entries: string[]): AppliedSet[] {
  return entries.map((entry) => applySet(data, entry));
}

function applySet(data: unknown, entry: string): AppliedSet {
  const fail = (message: string, path?: FieldPath): never => {
    throw new InputError({ file: SET_FILE, path: path?.join("."), message: `${message} (in ${entry})` });
  };
  const eq = entry.indexOf("=");
  if (eq <= 0) fail("expected PATH=VALUE");
  const value = parseValue(entry.slice(eq + 1), fail);
  const segments = entry.slice(0, eq).trim().split(".");
  if (segments.some((s) => s === "")) fail("the path has an empty segment");
  const forbidden = segments.find((s) => FORBIDDEN_KEYS.has(s));
  if (forbidden !== undefined) fail(forbiddenKeyMessage(forbidden));
  if (!isMapping(data)) return fail("the scenario is not a mapping");

  const path: Array<string | number> = [];
  let cur: Record<string, unknown> | unknown[] = data;
  let i = 0;
  for (;;) {
    let key: string | number;
    let width = 1;
    if (Array.isArray(cur)) {
      const found = findItem(cur, segments, i);
      if (!found) return fail(`no item with index or id "${segments[i]}"`, [...path]);
      [key, width] = found;
    } else key = segments[i];
    path.push(key);
    i += width;
    if (i >= segments.length) {
      (cur as Record<string | number, unknown>)[key] = value;
      return { entry, path };
    }
    const next: unknown = (cur as Record<string | number, unknown>)[key];
    if (next === undefined || next === null) {
      if (Array.isArray(cur)) return fail("this list item is empty", path);
      const created: Record<string, unknown> = {};
      cur[key as string] = created;
      cur = created;
    } else if (Array.isArray(next) || isMapping(next)) cur = next;
    else return fail(`${path.join(".")} is a single value, not a mapping or a list`, path);
  }
}

/** [index, segments used]: a numeric index, else the longest run of segments that is an item's id. */
function findItem(list: unknown[], segments: string[], i: number): [number, number] | undefined {
  if (/^\d+$/.test(segments[i])) {
    const index = Number(segments[i]);
    return index < list.length ? [index, 1] : undefined;
  }
  for (let end = segments.length; end > i; end--) {
    const id = segments.slice(i, end).join(".");
    const index = list.findIndex((item) => isMapping(item) && item.id === id);
    if (index >= 0) return [index, end - i];
  }
  return undefined;
}

/**
 * The value read as YAML, with the checks of a scenario file (no `!include` or other tags, no
 * forbidden keys, no alias of nothing); an empty value is null.
 */
function parseValue(text: string, fail: (m: string) => never): unknown {
  const doc = parseDocument(text);
  const c = doc.contents;
  if (doc.errors.length === 0 && (c === null || (isScalar(c) && c.value === null && c.tag === undefined)))
    return null;
  try {
    return parseYamlText(SET_FILE, Buffer.from(text, "utf8")).data;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const p = e.problems[0];
    return fail(`the value is not valid YAML: ${p.path ? `${p.path}: ` : ""}${p.message}`);
  }
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
