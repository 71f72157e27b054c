/**
 * Runs a zod schema over raw YAML data and turns every issue into a one-line problem in the
 * project's wording (`must be >= 0, got -5`, `unknown field "x", did you mean "y"?`), placed at
 * the file and line of the field.
 */
import type { z } from "zod";
import { showValue } from "../errors.js";
import type { Locator } from "./problems.js";
import { ProblemList } from "./problems.js";
import { closest, didYouMean } from "./suggest.js";
import { dotted, type FieldPath } from "./yaml-source.js";

type Issue = z.core.$ZodIssue;

/** Parses `data` with `schema`, or throws an InputError listing every problem found. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, locate: Locator): z.output<S> {
  // Unknown-key issues do not say which keys were allowed: note them (by path) as zod raises them.
  const allowedKeys = new Map<string, string[]>();
  const result = schema.safeParse(data, {
    error: (iss) => {
      const shape = (iss.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
      if (iss.code === "unrecognized_keys" && shape)
        allowedKeys.set(dotted((iss.path ?? []) as FieldPath), Object.keys(shape));
      return undefined;
    },
  });
  if (result.success) return result.data;
  const problems = new ProblemList(locate);
  const found = result.error.issues.flatMap((issue) => describeIssue(issue, data, allowedKeys));
  // `rate_per_sec` suggested as `rate_per_s` already says that rate_per_s is missing: say it once.
  const suggested = new Set(found.flatMap((p) => (p.suggestion ? [p.suggestion] : [])));
  // a whole number above 2^53 breaks both `int` (its safe range) and the field's own maximum:
  // say the field's bound only (the tightest of the upper bounds on one path)
  const bound = new Map<string, number>();
  for (const p of found) {
    if (p.upperBound === undefined) continue;
    const key = dotted(p.path);
    bound.set(key, Math.min(bound.get(key) ?? Number.POSITIVE_INFINITY, p.upperBound));
  }
  for (const p of found) {
    if (p.required && suggested.has(dotted(p.path))) continue;
    const b = bound.get(dotted(p.path));
    if (b !== undefined && p.upperBound !== undefined && p.upperBound > b) continue;
    problems.add(p.path, p.message);
  }
  problems.throwIfAny();
  throw new Error("unreachable: zod failed without issues");
}

/** The value at a path of the raw data (undefined when absent). */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key as string];
  }
  return cur;
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

interface Found {
  path: FieldPath;
  message: string;
  /** The field is missing. */
  required?: boolean;
  /** Dotted path of the known field an unknown key probably meant. */
  suggestion?: string;
  /** The maximum a too-big issue names. */
  upperBound?: number;
}

function describeIssue(issue: Issue, data: unknown, allowedKeys: Map<string, string[]>): Found[] {
  const path = issue.path as Array<string | number>;
  const value = valueAt(data, path);
  const got = `got ${showValue(value)}`;
  const one = (message: string): Found[] => [{ path, message }];
  const required = (what: string): Found[] => [{ path, message: `is required${what}`, required: true }];
  switch (issue.code) {
    case "invalid_type": {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (value === undefined) return required(` (${expected})`);
      return one(`must be ${expected}, ${got}`);
    }
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "array") return one(`must have at least ${min} item${min === "1" ? "" : "s"}`);
      if (issue.origin === "string") return one("must not be empty");
      return one(`must be ${issue.inclusive ? ">=" : ">"} ${min}, ${got}`);
    }
    case "too_big": {
      const max = String(issue.maximum);
      if (issue.origin === "array") return one(`must have at most ${max} items`);
      if (issue.origin === "string") return one(`must be at most ${max} characters`);
      return [
        {
          path,
          message: `must be ${issue.inclusive ? "<=" : "<"} ${max}, ${got}`,
          upperBound: Number(issue.maximum),
        },
      ];
    }
    case "invalid_value":
      return one(oneOf(issue.values.map(String), value));
    case "unrecognized_keys": {
      const allowed = allowedKeys.get(dotted(path)) ?? [];
      return issue.keys.map((key) => {
        const near = closest(key, allowed);
        const hint = near === undefined ? listAllowed(allowed) : `, did you mean ${JSON.stringify(near)}?`;
        return {
          path: [...path, key],
          message: `unknown field ${JSON.stringify(key)}${hint}`,
          suggestion: near === undefined ? undefined : dotted([...path, near]),
        };
      });
    }
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (value === undefined) return required(options ? ` (one of ${options.join(", ")})` : "");
      if (options) return one(oneOf(options.map(String), value));
      return one(`is not valid here, ${got}`);
    }
    case "invalid_key":
      return one(`has an invalid key: ${issue.issues.map((i) => i.message).join("; ")}`);
    case "invalid_format":
      return one(
        `must match ${issue.format === "regex" ? (issue as { pattern?: string }).pattern : issue.format}, ${got}`,
      );
    default:
      return one(issue.message);
  }
}

function oneOf(values: string[], value: unknown): string {
  const list = values.join(", ");
  if (value === undefined) return `is required (one of ${list})`;
  const hint = typeof value === "string" ? didYouMean(value, values) : "";
  if (values.length === 1) return `must be ${JSON.stringify(values[0])}, got ${showValue(value)}${hint}`;
  return `must be one of ${list}, got ${showValue(value)}${hint}`;
}

function listAllowed(allowed: string[]): string {
  return allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : "";
}
