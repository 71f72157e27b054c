/**
 * `fleetsim calibrate` reads the result JSON of vLLM's serving benchmark (vllm bench serve
 * --save-result --save-detailed): a measurement made by fleetsim with known figures, written with
 * that file's per-request arrays, is fitted back; without start_times the arrivals are drawn from
 * request_rate and burstiness as documented; missing or bad fields are input errors (exit 2, the
 * file and the field named, nothing written).
 */
import { existsSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { predict } from "../../src/calibrate/fit.js";
import { readVllmBenchJson } from "../../src/cli/commands/vllm-bench-json.js";
import { formatProblem, InputError } from "../../src/errors.js";
import { loadProfiles } from "../../src/scenario/profiles.js";
import { profile } from "../fleet/helpers.js";
import { cli } from "../support/cli.js";
import { llama8Fp8, steppedLoad, TRUE } from "./measurement.js";

const FP8 = llama8Fp8();
const H100 = profile("nd-h100-v5");
let dir: string;

const requests = steppedLoad;

/** The JSON vLLM's benchmark writes for those requests served with `figures` (two failed requests added). */
function benchJson(reqs: ReturnType<typeof requests>, over: Record<string, unknown> = {}) {
  const p = predict(reqs, H100, FP8, TRUE, {});
  const origin = 81234.5; // time.perf_counter() of the first request: any clock
  const failed = { input_len: 700, start: origin + 1.5 };
  return {
    date: "20260101-120000",
    backend: "vllm",
    model_id: "meta-llama/Llama-3.1-8B-Instruct",
    num_prompts: reqs.length + 1,
    request_rate: "inf",
    burstiness: 1.0,
    max_concurrency: null,
    duration: 100,
    completed: reqs.length,
    input_lens: [...reqs.map((q) => q.promptTokens), failed.input_len],
    output_lens: [...reqs.map((q) => q.outputTokens), 0],
    ttfts: [...reqs.map((_, i) => p.ttftS[i]!), 0],
    latencies: [...reqs.map((_, i) => p.e2eS[i]!), 0],
    itls: [
      ...reqs.map((q, i) =>
        Array(q.outputTokens - 1).fill((p.e2eS[i]! - p.ttftS[i]!) / Math.max(1, q.outputTokens - 1)),
      ),
      [],
    ],
    start_times: [...reqs.map((q) => origin + q.arrivalS), failed.start],
    errors: [...reqs.map(() => ""), "Traceback: connection reset"],
    ...over,
  };
}

const calibrateArgs = (file: string, ...more: string[]) => [
  "calibrate",
  file,
  "--profile",
  "nd-h100-v5",
  "--model",
  "llama-3.1-8b",
  "--fp8",
  ...more,
];

function expectRecovered(out: string) {
  const [fitted] = loadProfiles([out]);
  // the tolerances of the CSV test (test/calibrate/fit.test.ts says why the overhead's is wider)
  expect(Math.abs(fitted!.efficiency.compute / TRUE.computeEfficiency - 1)).toBeLessThan(0.02);
  expect(Math.abs(fitted!.efficiency.memory / TRUE.memoryEfficiency - 1)).toBeLessThan(0.02);
  expect(Math.abs(fitted!.stepOverheadMs! / TRUE.stepOverheadMs - 1)).toBeLessThan(0.05);
}

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "calibrate-vllm-")));
});

describe("fleetsim calibrate on vLLM's benchmark JSON", () => {
  it("fits the figures back from the per-request arrays (start_times, ttfts, latencies), skipping failed requests", () => {
    const file = join(dir, "vllm-result.json");
    writeFileSync(file, JSON.stringify(benchJson(requests("vllm-json"))));
    const out = join(dir, "fitted.yaml");
    const r = cli(calibrateArgs(file, "--out", out));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/calibrated on 600 measured requests/);
    expectRecovered(out);
  });

  it("without latencies, takes the end-to-end time as ttft + the sum of itls", () => {
    const j = benchJson(requests("vllm-json"));
    const { latencies: _, ...noLatencies } = j;
    const a = readVllmBenchJson("x.json", JSON.stringify(j)).requests;
    const b = readVllmBenchJson("x.json", JSON.stringify(noLatencies)).requests;
    expect(b.length).toBe(600);
    b.forEach((q, i) => {
      expect(q.e2eS).toBeCloseTo(a[i]!.e2eS, 9);
    });
  });

  it("without start_times, replays arrivals drawn from the ramp-up and burstiness (and is fitted back on them)", () => {
    // a measurement whose arrivals are the ones fleetsim draws for a linear ramp from 2 to 40
    // requests/s (vllm bench serve --ramp-up-strategy linear --ramp-up-start-rps 2 --ramp-up-end-rps 40)
    const shape = requests("vllm-json-rate");
    const header = {
      request_rate: "inf",
      burstiness: 1.0,
      ramp_up_strategy: "linear",
      ramp_up_start_rps: 2,
      ramp_up_end_rps: 40,
    };
    const stub = {
      ...header,
      input_lens: shape.map((q) => q.promptTokens),
      output_lens: shape.map((q) => q.outputTokens),
      ttfts: shape.map(() => 1),
      latencies: shape.map(() => 2),
    };
    const drawn = readVllmBenchJson("x.json", JSON.stringify(stub), 1).requests;
    const reqs = shape.map((q, i) => ({ ...q, arrivalS: drawn[i]!.arrivalS }));
    const { start_times: _, ...j } = benchJson(reqs, header);
    const file = join(dir, "no-starts.json");
    writeFileSync(file, JSON.stringify(j));
    const out = join(dir, "fitted-rate.yaml");
    const r = cli(calibrateArgs(file, "--out", out));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /no start_times: arrivals drawn on a linear ramp from 2 to 40 requests\/s, gamma intervals of shape burstiness 1 \(seed 1\)/,
    );
    expectRecovered(out);
  });

  it("draws arrivals with mean interval 1 / rate and the gamma's spread (squared CV = 1 / burstiness); rate inf sends all at 0", () => {
    const n = 20_000;
    const ones = Array(n).fill(1);
    for (const burstiness of [1, 0.25, 4]) {
      const j = {
        request_rate: 5,
        burstiness,
        input_lens: ones,
        output_lens: ones,
        ttfts: ones,
        latencies: ones.map(() => 2),
      };
      const t = readVllmBenchJson("x.json", JSON.stringify(j)).requests.map((q) => q.arrivalS);
      const gaps = t.slice(1).map((x, i) => x - t[i]!);
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      const cv2 = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length / mean ** 2;
      // 20,000 draws: the mean's standard error is about 0.7 % x CV, the variance's a few %
      expect(Math.abs(mean * 5 - 1)).toBeLessThan(0.03);
      expect(Math.abs(cv2 * burstiness - 1)).toBeLessThan(0.1);
    }
    // at a fixed rate the benchmark scales the drawn times so that the last request goes at n / rate
    const fixed = {
      request_rate: 4,
      burstiness: 0.5,
      input_lens: ones,
      output_lens: ones,
      ttfts: ones,
      latencies: ones.map(() => 2),
    };
    const t = readVllmBenchJson("x.json", JSON.stringify(fixed)).requests.map((q) => q.arrivalS);
    expect(t[0]).toBeGreaterThan(0); // the first request waits its own interval too
    expect(t[n - 1]).toBeCloseTo(n / 4, 9);
    const inf = {
      request_rate: "inf",
      input_lens: [1, 2, 3],
      output_lens: [1, 1, 1],
      ttfts: [1, 1, 1],
      latencies: [2, 2, 2],
    };
    expect(readVllmBenchJson("x.json", JSON.stringify(inf)).requests.map((q) => q.arrivalS)).toEqual([
      0, 0, 0,
    ]);
  });

  it("names the file and the field of what is missing or bad", () => {
    const base = benchJson(requests("vllm-json"));
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { ttfts: undefined },
        "x.json ttfts: is missing: per-request arrays come with vllm bench serve --save-result --save-detailed",
      ],
      [
        { output_lens: base.output_lens.slice(1) },
        "x.json output_lens: has 600 entries but input_lens has 601",
      ],
      [
        { ttfts: base.ttfts.map((x, i) => (i === 4 ? -1 : x)) },
        "x.json ttfts[4]: must be a number > 0 and at most 100 years (seconds), got -1",
      ],
      [{ latencies: undefined, itls: undefined }, "x.json itls: is missing, and so is latencies"],
      [
        { start_times: undefined, max_concurrency: 32 },
        "x.json start_times: is missing and max_concurrency is 32",
      ],
      [
        { start_times: undefined, request_rate: undefined },
        "x.json start_times: is missing, and so is request_rate",
      ],
      [
        { start_times: undefined, request_rate: -3 },
        'x.json request_rate: must be a number > 0 or "inf", got -3',
      ],
      [
        { start_times: undefined, ramp_up_strategy: "step", ramp_up_start_rps: 1, ramp_up_end_rps: 2 },
        'x.json ramp_up_strategy: must be "linear" or "exponential", got "step"',
      ],
    ];
    for (const [over, message] of cases) {
      const text = JSON.stringify({ ...base, ...over });
      let got = "";
      try {
        readVllmBenchJson("x.json", text);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        got = e.problems.map(formatProblem).join("\n");
      }
      expect(got).toContain(message);
    }
  });

  it("exits 2 on a bad file through the command, no stack trace, nothing written", () => {
    const base = benchJson(requests("vllm-json"));
    const file = join(dir, "no-ttfts.json");
    writeFileSync(file, JSON.stringify({ ...base, ttfts: undefined }));
    const out = join(dir, "never.yaml");
    const r = cli(calibrateArgs(file, "--out", out));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no-ttfts\.json ttfts: is missing/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    const notJson = join(dir, "broken.json");
    writeFileSync(notJson, "{ not json");
    const b = cli(calibrateArgs(notJson));
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/broken\.json: not a JSON file/);
  });
});
