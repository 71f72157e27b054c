/**
 * Building blocks of the raw (snake_case, as written) scenario and profile schemas. Every number
 * has a finite range (limits.ts says why each bound is where it is).
 */
import { z } from "zod";
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from "../duration.js";
import { LIMITS, wholeMicroDollars } from "./limits.js";

export { LIMITS } from "./limits.js";

/** A number in [min, max] (gt: above min, not at it). */
export const inRange = (description: string, min: number, max: number, opts: { gt?: boolean } = {}) =>
  (opts.gt ? z.number().gt(min) : z.number().min(min)).max(max).describe(description);
export const nonNegative = (description: string, max: number) => inRange(description, 0, max);
export const positive = (description: string, max: number) => inRange(description, 0, max, { gt: true });
export const count = (description: string, max: number) =>
  z.number().int().min(0).max(max).describe(description);
export const positiveCount = (description: string, max: number) =>
  z.number().int().min(1).max(max).describe(description);
export const fraction = (description: string) => z.number().min(0).max(1).describe(description);
export const text = (description: string) => z.string().min(1).describe(description);

/**
 * Ids and names reach the CSV files and workbooks verbatim, so none may begin as a spreadsheet
 * formula would (`=`, `+`, `-`, `@`, a tab or carriage return) or hold control characters: the
 * first character is a letter, a digit or `_` (any script), the rest anything printable.
 */
export const ID_REGEX = /^[\p{L}\p{N}_][^\p{Cc}]*$/u;
export const ID_RULE =
  "must start with a letter, a digit or _ and hold no control characters (so no spreadsheet reads it as a formula)";

/** An id or name as ID_REGEX allows; `description` says which. */
export const id = (description: string) =>
  z
    .string()
    .min(1, { abort: true })
    .refine((v) => ID_REGEX.test(v), { error: (iss) => `${ID_RULE}, got ${JSON.stringify(iss.input)}` })
    .meta({ description, pattern: ID_REGEX.source });
/** A name written into output rows (the scenario's, a model owner's): the rule of ids. */
export const name = id;

/** An amount of USD in [0, max] that is a whole number of micro-dollars (at most 6 decimals). */
export const money = (description: string, max: number) =>
  nonNegative(description, max).refine((v) => !(v >= 0 && v <= max) || wholeMicroDollars(v), {
    error: (iss) => `must be a whole number of micro-dollars (at most 6 decimal places), got ${iss.input}`,
  });
export const usdPerMtok = (description: string) =>
  money(`${description} (USD per million tokens)`, LIMITS.usdPerMtok);

/**
 * A duration (number of seconds or text such as `6h`) parsed to seconds, at most `max` seconds
 * (default LIMITS.durationS). `positive` refuses 0 and anything below `min` (default
 * LIMITS.minDurationS). The JSON Schema shows the input form: a number or a string matching the
 * duration pattern.
 */
export function duration(description: string, opts: { positive?: boolean; min?: number; max?: number } = {}) {
  const max = opts.max ?? LIMITS.durationS;
  const min = opts.positive ? (opts.min ?? LIMITS.minDurationS) : 0;
  return z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      const seconds = parseDuration(v);
      if (typeof seconds === "string") {
        ctx.addIssue({ code: "custom", message: seconds });
        return z.NEVER;
      }
      if (opts.positive && seconds === 0) {
        ctx.addIssue({ code: "custom", message: `must be > 0, got ${JSON.stringify(v)}` });
        return z.NEVER;
      }
      if (seconds < min) {
        ctx.addIssue({ code: "custom", message: `must be at least ${min} s, got ${JSON.stringify(v)}` });
        return z.NEVER;
      }
      if (seconds > max) {
        ctx.addIssue({
          code: "custom",
          message: `must be at most ${max} s (${Math.round(max / 31_536_000)} years), got ${JSON.stringify(v)}`,
        });
        return z.NEVER;
      }
      return seconds;
    })
    .meta({
      description: `${description}. ${DURATION_HINT[0].toUpperCase()}${DURATION_HINT.slice(1)}; ${min > 0 ? `at least ${min} s, ` : ""}at most ${max} s.`,
      anyOf: [
        { type: "number", minimum: min, maximum: max },
        { type: "string", pattern: DURATION_PATTERN },
      ],
    });
}

/** One literal as the discriminator of a tagged union. */
export const tag = <T extends string>(value: T, description: string) =>
  z.literal(value).describe(description);
