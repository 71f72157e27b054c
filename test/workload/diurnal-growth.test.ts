import { describe, expect, it } from "vitest";
import { createSource } from "../../src/workload/create-source.js";
import { RateProfile } from "../../src/workload/rate-profile.js";
import { arrivalTimes, context, isNonDecreasing, JAN_1_2025, poisson, workload } from "./helpers.js";

describe("diurnal rate profile", () => {
  it("has peak / trough = R exactly, the peak at peak_hour_utc and daily mean rate_per_s", () => {
    const p = new RateProfile(
      { ratePerS: 3, diurnal: { peakToTrough: 2.5, peakHourUtc: 15 }, growthPerMonth: 0 },
      JAN_1_2025,
    );
    const peak = p.rate(15 * 3600);
    const trough = p.rate(3 * 3600);
    expect(peak / trough).toBeCloseTo(2.5, 12);
    for (let h = 0; h < 24; h += 0.25) expect(p.rate(h * 3600)).toBeLessThanOrEqual(peak + 1e-12);
    expect(p.integral(0, 86_400) / 86_400).toBeCloseTo(3, 10);
  });

  it("bounds the rate on any interval (needed for exact thinning)", () => {
    const p = new RateProfile(
      { ratePerS: 2, diurnal: { peakToTrough: 5, peakHourUtc: 7.3 }, growthPerMonth: -0.1 },
      JAN_1_2025 + 777_000,
    );
    for (let t0 = 0; t0 < 2 * 86_400; t0 += 1234.5) {
      const t1 = t0 + 3600;
      const bound = p.maxRate(t0, t1);
      let max = 0;
      for (let t = t0; t <= t1; t += 10) max = Math.max(max, p.rate(t));
      expect(max).toBeLessThanOrEqual(bound * (1 + 1e-12));
      // And it is tight: within the change of the rate over 10 s.
      expect(bound - max).toBeLessThan(bound * 2e-3);
    }
  });
});

describe("diurnal arrivals", () => {
  // 200 days at 0.2/s: ~3.5 M arrivals.
  const R = 3;
  const P = 15;
  const days = 200;
  const times = arrivalTimes(
    createSource(
      workload(poisson(0.2, { diurnal: { peakToTrough: R, peakHourUtc: P } })),
      context(days * 86_400),
    ),
  );
  const hourOfDay = (t: number) => (t / 3600) % 24; // start is midnight UTC

  it("recovers peak_to_trough from the peak hour and the trough hour", () => {
    let peak = 0;
    let trough = 0;
    for (const t of times) {
      const h = hourOfDay(t);
      if (Math.abs(h - P) < 0.5) peak++;
      else if (Math.abs(h - (P - 12)) < 0.5) trough++;
    }
    // A one-hour bin centred on the peak averages the cosine over +-0.5 h: factor
    // s = sin(pi/24) / (pi/24), so the expected ratio is (1 + a s) / (1 - a s), a = (R-1)/(R+1).
    const a = (R - 1) / (R + 1);
    const s = Math.sin(Math.PI / 24) / (Math.PI / 24);
    const expected = (1 + a * s) / (1 - a * s);
    // Counts ~216,000 and ~72,000: relative SE of the ratio sqrt(1/216e3 + 1/72e3) = 0.43 %;
    // 4 SE = 1.7 %.
    expect(Math.abs(peak / trough / expected - 1)).toBeLessThan(0.017);
    expect(peak / trough).toBeGreaterThan(2.9);
  });

  it("puts the peak at peak_hour_utc (phase of the first daily harmonic)", () => {
    let c = 0;
    let sn = 0;
    for (const t of times) {
      const th = (2 * Math.PI * hourOfDay(t)) / 24;
      c += Math.cos(th);
      sn += Math.sin(th);
    }
    let peakHour = (Math.atan2(sn, c) * 24) / (2 * Math.PI);
    if (peakHour < 0) peakHour += 24;
    // Phase SE ~ sqrt(1 / (2n)) / (a / 2) rad = sqrt(1/7e6) / 0.25 = 1.5e-3 rad = 0.0058 h;
    // 4 SE ~ 0.023 h, use 0.03 h.
    expect(Math.abs(peakHour - P)).toBeLessThan(0.03);
  });

  it("keeps the daily mean at rate_per_s", () => {
    // Poisson count, n ~ 3.456e6: SE 0.054 %; 4 SE = 0.22 %.
    expect(Math.abs(times.length / (0.2 * days * 86_400) - 1)).toBeLessThan(0.0022);
    expect(isNonDecreasing(times)).toBe(true);
  });
});

describe("growth", () => {
  it("month 3 over month 1 is (1 + g)^2", () => {
    const g = 0.2;
    const month = 30 * 86_400;
    const times = arrivalTimes(
      createSource(workload(poisson(0.1, { growthPerMonth: g })), context(3 * month)),
    );
    let m1 = 0;
    let m3 = 0;
    for (const t of times) {
      if (t < month) m1++;
      else if (t >= 2 * month) m3++;
    }
    // Counts ~284,000 and ~409,000: relative SE of the ratio sqrt(1/284e3 + 1/409e3) = 0.24 %;
    // 4 SE ~ 1 %.
    expect(Math.abs(m3 / m1 / (1 + g) ** 2 - 1)).toBeLessThan(0.01);
  });
});
