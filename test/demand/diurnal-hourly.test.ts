/**
 * A diurnal workload end to end: the hourly completed requests of revenue_by_model.csv follow
 * rate(t) = r (1 + a cos(2 pi (h - peak) / 24)), a = (R - 1) / (R + 1), with R = 4 and the peak at
 * 15:30 UTC (test/fixtures/demand/diurnal.yaml: mean 2 requests/s for a day).
 * test/workload checks the source; this checks the whole path (source, simulation, interval
 * attribution, CSV).
 *
 * Expected count in hour [h, h + 1): 3600 r (1 + a (24 / 2 pi) (sin(w (h + 1 - peak)) - sin(w (h - peak))))
 * with w = 2 pi / 24 per hour. Counts are Poisson, so each hour is checked to 4 standard deviations
 * (sqrt of the expectation; over 24 hours a false alarm has probability 24 x 6.3e-5 = 0.15 %), plus 1
 * for requests attributed to the next hour because they complete there (service is 10 ms, so about
 * 3.2 x 0.01 = 0.03 requests per boundary). The busiest and quietest hours (15:00 and 03:00) must be
 * in the ratio their integrals give, (1 + 0.6 s) / (1 - 0.6 s) = 3.98 with s = sin(pi/24) / (pi/24),
 * a little under R = 4 because an hour averages the curve; the ratio of two Poisson counts has a
 * relative standard deviation of sqrt(1 / N_peak + 1 / N_trough) (2.1 % here), checked to 4 of them.
 */
import { describe, expect, it } from "vitest";
import { parseCsv } from "../supply/csv.js";
import { runScenario } from "../support/run-scenario.js";

const RATE = 2;
const R = 4;
const PEAK_HOUR = 15.5;
const A = (R - 1) / (R + 1);
const W = (2 * Math.PI) / 24;

const expectedInHour = (h: number) =>
  3600 * RATE * (1 + (A / W) * (Math.sin(W * (h + 1 - PEAK_HOUR)) - Math.sin(W * (h - PEAK_HOUR))));

describe("a diurnal workload through the simulator", () => {
  it("completes hourly requests in the diurnal pattern's proportions (revenue_by_model.csv)", async () => {
    const { files } = await runScenario("test/fixtures/demand/diurnal.yaml");
    const rows = parseCsv(files().get("revenue_by_model.csv")!).filter((r) => r.model === "unit-model");
    expect(rows).toHaveLength(24);
    const perHour = new Array<number>(24).fill(0);
    for (const r of rows) perHour[new Date(r.period_start).getUTCHours()] += Number(r.requests);

    const outliers = perHour
      .map((n, h) => ({ h, n, e: expectedInHour(h) }))
      .filter(({ n, e }) => Math.abs(n - e) > 4 * Math.sqrt(e) + 1);
    expect(outliers).toEqual([]);

    const peak = perHour[15];
    const trough = perHour[3];
    const s = Math.sin(Math.PI / 24) / (Math.PI / 24);
    const expectedRatio = (1 + A * s) / (1 - A * s);
    expect(expectedInHour(15) / expectedInHour(3)).toBeCloseTo(expectedRatio, 9);
    const relSd = Math.sqrt(1 / peak + 1 / trough);
    expect(Math.abs(peak / trough / expectedRatio - 1)).toBeLessThan(4 * relSd);
    // The tolerance tells the pattern apart: a flat day (ratio 1) or half the swing (R = 2.5, hour
    // ratio 2.49) would be tens of standard deviations away.
    expect(4 * relSd).toBeLessThan(0.1);
  });
});
