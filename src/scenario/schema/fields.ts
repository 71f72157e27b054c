/** Building blocks of the raw (snake_case, as written) scenario and profile schemas. */
import { z } from "zod";
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from "../duration.js";

export const nonNegative = (description: string) => z.number().min(0).describe(description);
export const positive = (description: string) => z.number().gt(0).describe(description);
export const count = (description: string) => z.number().int().min(0).describe(description);
export const positiveCount = (description: string) => z.number().int().min(1).describe(description);
export const fraction = (description: string) => z.number().min(0).max(1).describe(description);
export const text = (description: string) => z.string().min(1).describe(description);
export const id = (description: string) => z.string().min(1).describe(description);
export const usdPerMtok = (description: string) =>
  z.number().min(0).describe(`${description} (USD per million tokens)`);

/**
 * A duration (number of seconds or text such as `6h`) parsed to seconds. `positive` also refuses 0.
 * The JSON Schema shows the input form: a number or a string matching the duration pattern.
 */
export function duration(description: string, opts: { positive?: boolean } = {}) {
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
      return seconds;
    })
    .meta({
      description: `${description}. ${DURATION_HINT[0].toUpperCase()}${DURATION_HINT.slice(1)}.`,
      anyOf: [
        { type: "number", minimum: 0 },
        { type: "string", pattern: DURATION_PATTERN },
      ],
    });
}

/** One literal as the discriminator of a tagged union. */
export const tag = <T extends string>(value: T, description: string) =>
  z.literal(value).describe(description);
