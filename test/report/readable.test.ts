/** What makes the report readable: grouped long horizons, axes from the data, labels that fit, top models. */
import { describe, expect, it } from "vitest";
import { buckets } from "../../src/report/buckets.js";
import { revenueGroups } from "../../src/report/charts.js";
import { tickLabels } from "../../src/report/format.js";
import type { RunTables } from "../../src/report/read-run.js";
import { logScale, timeScale, valueScale } from "../../src/report/scale.js";
import { wrapLabel } from "../../src/report/svg.js";

const HOUR = 3_600_000;
const start = Date.parse("2025-01-06T00:00:00Z");
const hours = (n: number) => Array.from({ length: n }, (_, k) => start + k * HOUR);

describe("buckets", () => {
  it("keeps a day of hourly rows as they are", () => {
    const b = buckets(hours(24));
    expect(b.aggregated).toBe(false);
    expect(b.times).toHaveLength(24);
    expect(b.unit).toBe("hour");
  });

  it("groups a year of hourly rows into weeks: at most 120 points, sums conserved, the last week partial", () => {
    const times = hours(8760);
    const b = buckets(times);
    expect(b.unit).toBe("week");
    expect(b.times).toHaveLength(53); // 52 weeks and a day
    const values = times.map((_, k) => (k % 7) + 0.5);
    const total = values.reduce((a, v) => a + v, 0);
    const sums = b.reduce(values, "sum");
    expect(sums.reduce((a, v) => a + v, 0)).toBeCloseTo(total, 6);
    expect(sums[0]).toBeCloseTo(
      values.slice(0, 168).reduce((a, v) => a + v, 0),
      9,
    );
    // The last bucket holds 24 hours, and says so.
    expect(b.ends.at(-1)! - b.times.at(-1)!).toBe(24 * HOUR);
    const mean = b.reduce(values, "mean");
    const lo = b.reduce(values, "min");
    const hi = b.reduce(values, "max");
    expect(lo[0]).toBe(0.5);
    expect(hi[0]).toBe(6.5);
    expect(mean[0]!).toBeGreaterThan(lo[0]!);
    expect(mean[0]!).toBeLessThan(hi[0]!);
    // As a rate, a whole week is its sum and the last day reads per week, not as a drop to a seventh.
    const rate = b.rate(times.map(() => 2));
    expect(rate[0]).toBeCloseTo(2 * 168, 9);
    expect(rate.at(-1)).toBeCloseTo(2 * 168, 9);
    expect(
      b
        .reduce(
          times.map(() => 2),
          "sum",
        )
        .at(-1),
    ).toBeCloseTo(2 * 24, 9);
  });

  it("a run no longer than one report interval is one bucket of the run's length, not an hour", () => {
    const b = buckets([start], 5 * 60_000);
    expect(b.width).toBe(5 * 60_000);
    expect(b.unit).toBe("5 min");
    expect(b.ends).toEqual([start + 5 * 60_000]);
    expect(b.rate([0.73])).toEqual([0.73]);
    // without the run's length (an older folder) the one row still reads as an hour
    expect(buckets([start]).width).toBe(HOUR);
  });

  it("a run that stops inside its last interval ends there: 90 minutes of hourly rows", () => {
    const b = buckets(hours(2), 90 * 60_000);
    expect(b.width).toBe(HOUR);
    expect(b.ends).toEqual([start + HOUR, start + 90 * 60_000]);
    // exactly at a whole interval the last bucket is whole
    expect(buckets(hours(2), 2 * HOUR).ends.at(-1)).toBe(start + 2 * HOUR);
  });

  it("groups a week of 5-minute rows into hours (2,016 -> 168 > 120, so 6 hours: 28)", () => {
    const times = Array.from({ length: 2016 }, (_, k) => start + k * 300_000);
    const b = buckets(times);
    expect(b.unit).toBe("6 hours");
    expect(b.times).toHaveLength(28);
  });
});

describe("axes from the data", () => {
  it("a short run's time axis is ticked in minutes, from its start to its end", () => {
    const x = timeScale(start, start + 5 * 60_000, 0, 500);
    expect(x.ticks).toEqual([0, 1, 2, 3, 4, 5].map((m) => start + m * 60_000));
    expect(x(start + 5 * 60_000)).toBe(500);
    // a day still ticks in hours
    expect(timeScale(start, start + 24 * HOUR, 0, 500).ticks[1]! - start).toBe(3 * HOUR);
  });

  it("a tiny value beside large ones does not pull the axis a whole step below 0 when nothing is negative", () => {
    const y = valueScale([0.0001, 5_000], 300, 0);
    expect(y.ticks[0]).toBe(0);
    expect(y.lo).toBe(0);
  });

  it("points with intervals zoom to the data instead of reaching 0", () => {
    const y = valueScale([92.9, 99.2, 100], 300, 0, { zero: false });
    expect(y.lo).toBeGreaterThan(90);
    expect(y.lo).toBeLessThanOrEqual(92.9);
    expect(y.hi).toBeGreaterThanOrEqual(100);
    expect(y.hi).toBeLessThan(102);
  });

  it("a log scale puts a tick on each decade around the misses", () => {
    const x = logScale([0.00006, 0.071], 0, 100);
    expect(x.ticks).toEqual([0.00001, 0.0001, 0.001, 0.01, 0.1]);
    expect(x(0.00001)).toBe(0);
    expect(x(0.1)).toBe(100);
  });

  it("tick labels get the digits that tell them apart", () => {
    const labels = tickLabels([88.25, 88.3, 88.35, 88.4], (v, p = 3) => `$${+v.toPrecision(p)}`);
    expect(new Set(labels).size).toBe(4);
    expect(labels).toEqual(["$88.25", "$88.3", "$88.35", "$88.4"]);
  });
});

describe("labels that fit", () => {
  it("wraps a long label into lines of the column's width without dropping a character", () => {
    const label = "adventure-works-international · meta-llama-3.1-405b-instruct-turbo-preview";
    const lines = wrapLabel(label, 30);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
    expect(lines.join("").replace(/[\s·]/g, "")).toBe(label.replace(/[\s·]/g, ""));
  });
});

describe("revenue groups", () => {
  const row = (model: string, revenue: number) => ({
    period_start: "2025-01-01T00:00:00Z",
    model,
    owner: "o",
    revenue_usd: String(revenue),
    margin_usd: "0",
  });
  const tables = (models: [string, number][]) =>
    ({ revenueByModel: [...models.map(([m, r]) => row(m, r)), row("(idle)", 0)] }) as unknown as RunTables;

  it("draws the top 6 by revenue and adds up the rest as other, leaving idle capacity out", () => {
    const models: [string, number][] = Array.from({ length: 9 }, (_, i) => [`m${i}`, (i + 1) * 10]);
    const g = revenueGroups(tables(models));
    expect(g.map((x) => x.name)).toEqual(["m8", "m7", "m6", "m5", "m4", "m3", "other (3 models)"]);
    expect(g.at(-1)!.models.sort()).toEqual(["m0", "m1", "m2"]);
    expect(g.flatMap((x) => x.models)).not.toContain("(idle)");
  });

  it("does not group a single model into other", () => {
    const models: [string, number][] = Array.from({ length: 7 }, (_, i) => [`m${i}`, i]);
    expect(revenueGroups(tables(models))).toHaveLength(7);
  });
});
