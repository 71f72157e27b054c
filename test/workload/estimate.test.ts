import { describe, expect, it } from "vitest";
import { createSource, estimateWorkload } from "../../src/workload/create-source.js";
import { tokenMean } from "../../src/workload/token-mean.js";
import {
  arrivalTimes,
  context,
  drain,
  fixture,
  JAN_1_2025,
  poisson,
  sharedTrace,
  traceOptions,
  workload,
} from "./helpers.js";

const DAY = 86_400;
const MONTH = 30 * DAY;

describe("estimateWorkload: synthetic arrivals", () => {
  it("poisson with a diurnal pattern over whole days: rate x horizon", async () => {
    const w = workload(poisson(40, { diurnal: { peakToTrough: 2.5, peakHourUtc: 15 } }));
    const est = await estimateWorkload(w, context(7 * DAY, { startMs: JAN_1_2025 + 5_555_000 }));
    expect(est.expectedRequests / (40 * 7 * DAY)).toBeCloseTo(1, 10);
    expect(est.meanPromptTokens).toBe(100);
    expect(est.meanOutputTokens).toBe(10);
  });

  it("growth: rate * ((1+g)^(T/month) - 1) / ln(1+g) * month", async () => {
    const g = 0.05;
    const est = await estimateWorkload(workload(poisson(3, { growthPerMonth: g })), context(6 * MONTH));
    const closed = (3 * ((1 + g) ** 6 - 1) * MONTH) / Math.log(1 + g);
    expect(est.expectedRequests / closed).toBeCloseTo(1, 10);
  });

  it("diurnal x growth x multipliers matches a fine numerical integral", async () => {
    const startMs = JAN_1_2025 + 1_234_567;
    const w = workload(poisson(2, { diurnal: { peakToTrough: 4, peakHourUtc: 20.5 }, growthPerMonth: -0.3 }));
    const multipliers = [
      { at: 100_000, factor: 0.6 },
      { at: 250_000, factor: 2.5 },
    ];
    const horizon = 400_000;
    const est = await estimateWorkload(w, context(horizon, { startMs, multipliers }));
    // Midpoint rule with 1 s steps: error ~ h^2/24 * |rate''| * T, far below 1e-6 relative.
    const a = 3 / 5;
    const kappa = Math.log(0.7) / MONTH;
    let sum = 0;
    for (let t = 0.5; t < horizon; t += 1) {
      const hour = ((startMs / 1000 + t) / 3600) % 24;
      const m = t < 100_000 ? 1 : t < 250_000 ? 0.6 : 1.5;
      sum += 2 * m * (1 + a * Math.cos((2 * Math.PI * (hour - 20.5)) / 24)) * Math.exp(kappa * t);
    }
    expect(est.expectedRequests / sum).toBeCloseTo(1, 7);
    // And the simulated count agrees: Poisson, N ~ 6e5, 4 SE = 4 sqrt(N).
    const n = arrivalTimes(createSource(w, context(horizon, { startMs, multipliers }))).length;
    expect(Math.abs(n - est.expectedRequests)).toBeLessThan(4 * Math.sqrt(est.expectedRequests));
  });

  it("mmpp: rate * on / (on + off) * horizon; constant: rate * horizon", async () => {
    const mmpp = {
      process: "mmpp" as const,
      ratePerS: 10,
      onMean: 5,
      offMean: 15,
      diurnal: null,
      growthPerMonth: 0,
    };
    expect((await estimateWorkload(workload(mmpp), context(1000))).expectedRequests).toBeCloseTo(2500, 8);
    const constant = { process: "constant" as const, ratePerS: 3, diurnal: null, growthPerMonth: 0 };
    const multipliers = [{ at: 500, factor: 0.5 }];
    expect(
      (await estimateWorkload(workload(constant), context(1000, { multipliers }))).expectedRequests,
    ).toBeCloseTo(2250, 8);
  });

  it("mean tokens are the analytic means of the distributions as drawn", async () => {
    const prompt = { dist: "lognormal" as const, median: 1020, p90: 4200, max: 8000 };
    const output = { dist: "exponential" as const, mean: 129, max: null };
    const est = await estimateWorkload(workload(poisson(1), { prompt, output }), context(10));
    expect(est.meanPromptTokens).toBe(tokenMean(prompt));
    expect(est.meanOutputTokens).toBe(tokenMean(output));
  });
});

describe("estimateWorkload: traces", () => {
  const conv = traceOptions(sharedTrace("AzureLLMInferenceTrace_conv.csv"));
  const est = (opts: typeof conv, horizon: number, multipliers: { at: number; factor: number }[] = []) =>
    estimateWorkload(workload({ process: "trace", trace: opts }), context(horizon, { multipliers }));
  const replay = (opts: typeof conv, horizon: number, multipliers: { at: number; factor: number }[] = []) =>
    drain(createSource(workload({ process: "trace", trace: opts }), context(horizon, { multipliers })));

  it("counts rows and gives exact token means", async () => {
    const e = await est(conv, 1e7);
    expect(e.expectedRequests).toBe(19_366);
    expect(e.meanPromptTokens).toBeCloseTo(22_361_870 / 19_366, 9);
    expect(e.meanOutputTokens).toBeCloseTo(4_088_665 / 19_366, 9);
  });

  it("honours the horizon and multipliers like the replay does", async () => {
    const truncated = await est(conv, 1800);
    expect(truncated.expectedRequests).toBe((await replay(conv, 1800)).times.length);
    // Factor 2 is deterministic (exactly two copies), so the replay equals the expectation.
    const doubled = await est(conv, 1e7, [{ at: 1800, factor: 2 }]);
    expect(doubled.expectedRequests).toBe((await replay(conv, 1e7, [{ at: 1800, factor: 2 }])).times.length);
  });

  it("loops over a year without replaying it (closed-form passes)", async () => {
    // small.csv rows at 0, 1.5, 4 s; period 6 s; a year holds 5,256,000 full passes.
    const small = traceOptions(fixture("small.csv"), { loop: true });
    const year = 365 * DAY;
    const t0 = performance.now();
    const e = await est(small, year, [{ at: 1000.7, factor: 0.5 }]);
    expect(performance.now() - t0).toBeLessThan(2000);
    // Rows at 6p + {0, 1.5, 4}: 1000.7 falls in pass 166 (996..1000) after its last row,
    // so 167 whole passes at factor 1 and the rest at 0.5.
    const passes = year / 6;
    expect(e.expectedRequests).toBeCloseTo(167 * 3 + 0.5 * (passes - 167) * 3, 6);
    expect(e.meanPromptTokens).toBeCloseTo(200, 9);
    const scaled = await est({ ...small, timeScale: 0.5, offset: 1 }, 8);
    expect(scaled.expectedRequests).toBe(8);
  });

  it("Mooncake JSONL rows and means", async () => {
    const e = await est(traceOptions(sharedTrace("conversation_trace.jsonl")), 1e7);
    expect(e.expectedRequests).toBe(12_031);
    expect(e.meanPromptTokens * 12_031).toBeCloseTo(144_793_823, 3);
    expect(e.meanOutputTokens * 12_031).toBeCloseTo(4_122_048, 3);
  });
});
