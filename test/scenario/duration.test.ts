import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/scenario/duration.js";

const HINT = "must be a duration like 90s, 15m, 6h, 7d, 2w, 1mo, 1y or a number of seconds";

describe("parseDuration", () => {
  it.each([
    [90, 90],
    [0, 0],
    [1.5, 1.5],
    ["30", 30],
    ["90s", 90],
    ["15m", 900],
    ["6h", 21_600],
    ["1.5h", 5_400],
    ["7d", 604_800],
    ["2w", 1_209_600],
    ["1mo", 2_592_000],
    ["1y", 31_536_000],
    [" 2 d ", 172_800],
  ])("%j is %d seconds", (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([
    ["7x", `${HINT}, got "7x"`],
    ["d", `${HINT}, got "d"`],
    ["-5m", `${HINT}, got "-5m"`],
    ["1 h 30 m", `${HINT}, got "1 h 30 m"`],
    [true, `${HINT}, got true`],
    [null, `${HINT}, got null`],
    [[1], `${HINT}, got a list`],
    [Number.POSITIVE_INFINITY, `${HINT}, got Infinity`],
    [-5, "must be >= 0, got -5"],
  ])("%j is refused", (input, message) => {
    expect(parseDuration(input)).toBe(message);
  });
});
