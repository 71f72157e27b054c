/**
 * Durations as the scenario format writes them: a number of seconds, or a number with a unit
 * (`90s`, `15m`, `6h`, `7d`, `2w`, `1mo` = 30 days, `1y` = 365 days; decimals allowed).
 */
import { showValue } from "../errors.js";

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 7 * 86_400,
  mo: 30 * 86_400,
  y: 365 * 86_400,
};

/** The accepted text form (unit optional: a bare number is seconds), also the JSON Schema pattern. */
export const DURATION_PATTERN = "^\\s*(\\d+(?:\\.\\d+)?)\\s*(s|m|h|d|w|mo|y)?\\s*$";
const DURATION_RE = new RegExp(DURATION_PATTERN);

export const DURATION_HINT = "a duration like 90s, 15m, 6h, 7d, 2w, 1mo, 1y or a number of seconds";

/** Seconds (>= 0) for a valid duration, otherwise the error message (a string) to show the user. */
export function parseDuration(v: unknown): number | string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return `must be ${DURATION_HINT}, got ${v}`;
    return v < 0 ? `must be >= 0, got ${v}` : v;
  }
  const m = typeof v === "string" ? DURATION_RE.exec(v) : null;
  if (!m) return `must be ${DURATION_HINT}, got ${showValue(v)}`;
  return Number(m[1]) * (m[2] === undefined ? 1 : UNIT_SECONDS[m[2]]);
}
