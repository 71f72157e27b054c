import { describe, expect, it } from "vitest";
import { createSource } from "../../src/workload/create-source.js";
import {
  arrivalTimes,
  context,
  isNonDecreasing,
  JAN_1_2025,
  meanAndVariance,
  poisson,
  windowCounts,
  workload,
} from "./helpers.js";

// Start 17 min 23 s into an hour so segments are cut off the hour grid of t.
const OFF_GRID = JAN_1_2025 + 1_043_000;

describe("poisson arrivals", () => {
  const horizon = 100_000;
  const times = arrivalTimes(createSource(workload(poisson(10)), context(horizon, { startMs: OFF_GRID })));

  it("produces ordered times inside [0, horizon)", () => {
    expect(isNonDecreasing(times)).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times[times.length - 1]).toBeLessThan(horizon);
  });

  it("has Poisson counts: mean rate * width and index of dispersion 1", () => {
    // 10,000 windows of 10 s, mean 100 each. SE of the mean count = sqrt(100 / 1e4) = 0.1;
    // SE of the sample variance ~ sqrt(2 / 1e4) * 100 = 1.41, so of var/mean ~ 0.0141.
    // Tolerances are 4 SE (two-sided false failure ~6e-5 each).
    const counts = windowCounts(times, 10, horizon);
    const { mean, variance } = meanAndVariance(counts);
    expect(Math.abs(mean - 100)).toBeLessThan(0.4);
    expect(Math.abs(variance / mean - 1)).toBeLessThan(0.057);
  });

  it("has exponential gaps (coefficient of variation 1)", () => {
    // n ~ 1e6 gaps; the sample CV of exponentials has SE ~ sqrt(1/n) * ~1 = 0.001; 4 SE.
    const gaps = new Float64Array(times.length - 1);
    for (let i = 1; i < times.length; i++) gaps[i - 1] = times[i] - times[i - 1];
    const { mean, variance } = meanAndVariance(gaps);
    expect(Math.abs(Math.sqrt(variance) / mean - 1)).toBeLessThan(0.004);
  });
});

describe("constant arrivals", () => {
  it("are evenly spaced at 1 / rate, the first within one gap of the start", () => {
    const times = arrivalTimes(
      createSource(
        workload({ process: "constant", ratePerS: 4, diurnal: null, growthPerMonth: 0 }),
        context(7200),
      ),
    );
    expect(times.length === 28_800 || times.length === 28_799).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times[0]).toBeLessThan(0.25);
    let worst = 0;
    for (let i = 1; i < times.length; i++) worst = Math.max(worst, Math.abs(times[i] - times[i - 1] - 0.25));
    expect(worst).toBeLessThan(1e-9);
  });

  it("follow a modulated rate by time rescaling: each hour holds its integral to within one arrival", () => {
    const spec = {
      process: "constant" as const,
      ratePerS: 0.5,
      diurnal: { peakToTrough: 4, peakHourUtc: 9 },
      growthPerMonth: 0.3,
    };
    const horizon = 3 * 86_400;
    const times = arrivalTimes(createSource(workload(spec), context(horizon, { startMs: OFF_GRID })));
    expect(isNonDecreasing(times)).toBe(true);
    const counts = windowCounts(times, 3600, horizon);
    // Expected per hour from the closed form: rate * d * g integrated; check against a fine
    // Riemann sum (1 s steps, error far below 1 arrival).
    const a = 3 / 5;
    const kappa = Math.log(1.3) / (30 * 86_400);
    const startS = (OFF_GRID % 86_400_000) / 1000;
    for (let h = 0; h < counts.length; h++) {
      let integral = 0;
      for (let s = h * 3600 + 0.5; s < (h + 1) * 3600; s += 1) {
        const hour = ((startS + s) / 3600) % 24;
        integral += 0.5 * (1 + a * Math.cos((2 * Math.PI * (hour - 9)) / 24)) * Math.exp(kappa * s);
      }
      expect(Math.abs(counts[h] - integral)).toBeLessThanOrEqual(1.01);
    }
  });
});

describe("mmpp arrivals", () => {
  const spec = {
    process: "mmpp" as const,
    ratePerS: 10,
    onMean: 1,
    offMean: 3,
    diurnal: null,
    growthPerMonth: 0,
  };
  const horizon = 200_000;
  const times = arrivalTimes(createSource(workload(spec), context(horizon)));

  it("has the long-run rate rate * on / (on + off)", () => {
    // Count variance of an on/off process ~ rate^2 * 2 pi_on pi_off / (alpha + beta) * T
    // + rate pi_on T = (100 * 0.28125 + 2.5) * T = 30.6 T: sd 2,475 on 500,000 (0.5 %);
    // 4 sd = 2 %.
    expect(Math.abs(times.length / (2.5 * horizon) - 1)).toBeLessThan(0.02);
  });

  it("is bursty: index of dispersion of 100 s counts far above 1", () => {
    // Expected ~ 30.6 / 2.5 = 12 for long windows (a bit less at 100 s); Poisson gives 1.
    const { mean, variance } = meanAndVariance(windowCounts(times, 100, horizon));
    expect(variance / mean).toBeGreaterThan(5);
  });

  it("is silent while off: long gaps occur", () => {
    let longGaps = 0;
    for (let i = 1; i < times.length; i++) if (times[i] - times[i - 1] > 3) longGaps++;
    // Under Poisson(2.5) a gap > 3 s has probability e^-7.5 ~ 5.5e-4 (about 275 of 5e5); the
    // off periods (mean 3 s, ~50,000 of them) give far more.
    expect(longGaps).toBeGreaterThan(5000);
  });
});
