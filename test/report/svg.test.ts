/** Chart building blocks: scales, escaping and series pivots. */
import { describe, expect, it } from "vitest";
import { esc } from "../../src/report/escape.js";
import { timeScale, valueScale } from "../../src/report/scale.js";
import { pivot } from "../../src/report/series.js";

describe("valueScale", () => {
  it("spans 0 and the data with nice ticks, mapped onto the range", () => {
    const y = valueScale([0.3, 57.5], 300, 0);
    expect(y.ticks[0]).toBe(0);
    expect(y.ticks.at(-1)).toBeGreaterThanOrEqual(57.5);
    expect(y.ticks).toEqual([0, 20, 40, 60]);
    expect(y(0)).toBe(300);
    expect(y(60)).toBe(0);
  });

  it("includes negative values (margins can be below 0)", () => {
    const y = valueScale([-7, 12], 100, 0);
    expect(y.ticks[0]).toBeLessThanOrEqual(-7);
    expect(y.ticks).toContain(0);
  });
});

describe("timeScale", () => {
  it("puts ticks on whole UTC hours inside the span", () => {
    const t0 = Date.parse("2025-03-03T00:30:00Z");
    const x = timeScale(t0, t0 + 6 * 3_600_000, 0, 600);
    expect(x.ticks[0]).toBe(Date.parse("2025-03-03T01:00:00Z"));
    expect(x.ticks.every((t) => t % 3_600_000 === 0)).toBe(true);
    expect(x.ticks.length).toBeLessThanOrEqual(8);
    expect(x(t0)).toBe(0);
  });
});

describe("esc", () => {
  it("escapes markup and quotes", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("pivot", () => {
  it("aligns each key's values on the sorted periods, NaN where a key has no row", () => {
    const p = pivot(
      [
        { period_start: "2025-01-01T01:00:00Z", pool: "b", cost_usd: "2" },
        { period_start: "2025-01-01T00:00:00Z", pool: "a", cost_usd: "1" },
        { period_start: "2025-01-01T01:00:00Z", pool: "a", cost_usd: "3" },
      ],
      "pool",
    );
    expect(p.times).toEqual([Date.parse("2025-01-01T00:00:00Z"), Date.parse("2025-01-01T01:00:00Z")]);
    expect(p.value("a", "cost_usd")).toEqual([1, 3]);
    expect(p.value("b", "cost_usd")).toEqual([Number.NaN, 2]);
  });
});
