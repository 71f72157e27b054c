import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deriveStream } from "../../src/engine/random.js";
import type { TraceOptions } from "../../src/scenario/types.js";
import { createSource, estimateWorkload } from "../../src/workload/create-source.js";
import { MultiplierSchedule } from "../../src/workload/multiplier-schedule.js";
import type { LoadMultiplier } from "../../src/workload/source.js";
import { TraceSource } from "../../src/workload/trace-source.js";
import { context, drain, fixture, isNonDecreasing, sharedTrace, traceOptions, workload } from "./helpers.js";

const LONG = 1e7;

function replay(opts: TraceOptions, horizon = LONG, multipliers: LoadMultiplier[] = []) {
  return drain(createSource(workload({ process: "trace", trace: opts }), context(horizon, { multipliers })));
}

const sum = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0);

describe("shipped traces replay exactly", () => {
  it("Azure conversation: 19,366 requests, 22,361,870 prompt and 4,088,665 output tokens", async () => {
    const r = await replay(traceOptions(sharedTrace("AzureLLMInferenceTrace_conv.csv")));
    expect(r.times.length).toBe(19_366);
    expect(sum(r.prompt)).toBe(22_361_870);
    expect(sum(r.output)).toBe(4_088_665);
    expect(r.times[0]).toBe(0);
    expect(isNonDecreasing(r.times)).toBe(true);
    // 18:15:46.6805900 -> 19:14:08.4025270 (read to the microsecond)
    expect(r.times[r.times.length - 1]).toBeCloseTo(3501.721937, 6);
    expect(r.times[1]).toBeCloseTo(4.314579, 6);
  });

  it("Azure code: 8,819 requests, 18,059,974 prompt and 245,896 output tokens", async () => {
    const r = await replay(traceOptions(sharedTrace("AzureLLMInferenceTrace_code.csv")));
    expect(r.times.length).toBe(8_819);
    expect(sum(r.prompt)).toBe(18_059_974);
    expect(sum(r.output)).toBe(245_896);
  });

  it("Mooncake conversation (JSONL): 12,031 rows, 144,793,823 in, 4,122,048 out, last at 3537 s", async () => {
    const r = await replay(traceOptions(sharedTrace("conversation_trace.jsonl")));
    expect(r.times.length).toBe(12_031);
    expect(sum(r.prompt)).toBe(144_793_823);
    expect(sum(r.output)).toBe(4_122_048);
    // The last row's timestamp is 3,536,999 ms (the traces README rounds the span to 3,537 s).
    expect(r.times[r.times.length - 1]).toBe(3536.999);
    expect(Math.round(r.times[r.times.length - 1])).toBe(3537);
  });
});

describe("trace options", () => {
  const small = fixture("small.csv"); // rows at 0, 1.5, 4 s

  it("time_scale stretches the gaps", async () => {
    expect([...(await replay(traceOptions(small, { timeScale: 2 }))).times]).toEqual([0, 3, 8]);
    const conv = traceOptions(sharedTrace("AzureLLMInferenceTrace_conv.csv"));
    const once = (await replay(conv)).times;
    const twice = (await replay({ ...conv, timeScale: 2 })).times;
    expect(twice[twice.length - 1]).toBeCloseTo(2 * once[once.length - 1], 6);
  });

  it("offset shifts the first row", async () => {
    expect([...(await replay(traceOptions(small, { offset: 100 }))).times]).toEqual([100, 101.5, 104]);
    // A negative offset skips the rows that would land before the start.
    expect([...(await replay(traceOptions(small, { offset: -2 }))).times]).toEqual([2]);
  });

  it("the horizon truncates: a row at the horizon is not produced", async () => {
    expect([...(await replay(traceOptions(small), 4)).times]).toEqual([0, 1.5]);
  });

  it("loop repeats with period (last - first) + mean gap to fill the horizon", async () => {
    // period = 4 + 4 / 2 = 6 s
    const r = await replay(traceOptions(small, { loop: true }), 20);
    expect([...r.times]).toEqual([0, 1.5, 4, 6, 7.5, 10, 12, 13.5, 16, 18, 19.5]);
    expect([...r.prompt]).toEqual([100, 200, 300, 100, 200, 300, 100, 200, 300, 100, 200]);
    const scaled = await replay(traceOptions(small, { loop: true, timeScale: 0.5, offset: 1 }), 8);
    expect([...scaled.times]).toEqual([1, 1.75, 3, 4, 4.75, 6, 7, 7.75]);
  });

  it("loop fills a long horizon with the conversation trace", async () => {
    const conv = traceOptions(sharedTrace("AzureLLMInferenceTrace_conv.csv"), { loop: true });
    const horizon = 3 * 3600;
    const r = await replay(conv, horizon);
    expect(isNonDecreasing(r.times)).toBe(true);
    expect(r.times[r.times.length - 1]).toBeLessThan(horizon);
    expect(r.times[r.times.length - 1]).toBeGreaterThan(horizon - 10);
    const period = 3501.721937 * (1 + 1 / 19_365);
    expect(r.times[19_366]).toBeCloseTo(period, 5);
    const est = await estimateWorkload(workload({ process: "trace", trace: conv }), context(horizon));
    expect(est.expectedRequests).toBe(r.times.length);
    expect(r.times.length).toBeGreaterThan(3 * 19_366);
  });

  it("a looped trace replays the same from memory as from the file", async () => {
    const opts = traceOptions(fixture("small.csv"), { loop: true });
    const none = new MultiplierSchedule([{ at: 50, factor: 0.7 }]);
    const fromMemory = await drain(new TraceSource(opts, 6000, none, deriveStream(3, "c"), 16));
    const fromFile = await drain(new TraceSource(opts, 6000, none, deriveStream(3, "c"), 16, 2));
    expect(fromFile.times).toEqual(fromMemory.times);
    expect(fromFile.prompt).toEqual(fromMemory.prompt);
    // 1,000 passes of 3 rows (26 before t = 50), the rest thinned to 70 %: binomial SE
    // sqrt(2974 * 0.21) = 25; 4 SE = 100.
    expect(Math.abs(fromMemory.times.length - (26 + 0.7 * (3000 - 26)))).toBeLessThan(100);
  });

  it("any CSV through the column and unit options (seconds)", async () => {
    const opts = traceOptions(fixture("seconds.csv"), {
      timestampColumn: "time_s",
      promptColumn: "prompt",
      outputColumn: "completion",
      timestampUnit: "s",
    });
    const r = await replay(opts);
    expect([...r.times]).toEqual([0, 0.5, 2.75]);
    expect([...r.output]).toEqual([7, 3, 9]);
  });
});

describe("multipliers on a trace", () => {
  const conv = traceOptions(sharedTrace("AzureLLMInferenceTrace_conv.csv"));
  const at = 1800;

  it("factor 2 replays every later row twice; factor 0.5 keeps about half of them", async () => {
    const base = await replay(conv);
    const after = base.times.filter((t) => t >= at).length;
    const doubled = await replay(conv, LONG, [{ at, factor: 2 }]);
    expect(doubled.times.length).toBe(19_366 + after);
    expect(isNonDecreasing(doubled.times)).toBe(true);
    const halved = await replay(conv, LONG, [{ at, factor: 0.5 }]);
    const kept = halved.times.filter((t) => t >= at).length;
    // Binomial(after ~ 9,900, 0.5): SE ~ 50; 4 SE = 200.
    expect(Math.abs(kept - after * 0.5)).toBeLessThan(200);
    expect(halved.times.length - kept).toBe(base.times.length - after);
  });
});

describe("streaming", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "fleetsim-trace-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("replays a 50,000-row trace through a 256-row buffer that never overflows", async () => {
    const rows = 50_000;
    const lines = ["ts_ms,in,out"];
    let expectedPrompt = 0;
    for (let i = 0; i < rows; i++) {
      lines.push(`${i * 10},${(i % 97) + 1},${(i % 13) + 1}`);
      expectedPrompt += (i % 97) + 1;
    }
    const file = path.join(dir, "big.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const opts = traceOptions(file, {
      timestampColumn: "ts_ms",
      promptColumn: "in",
      outputColumn: "out",
      timestampUnit: "ms",
    });
    const source = new TraceSource(opts, LONG, new MultiplierSchedule([]), deriveStream(1, "x"), 256);
    let refills = 0;
    let maxBuffered = 0;
    const r = await drain(source, () => {
      refills++;
      maxBuffered = Math.max(maxBuffered, source.buffered);
    });
    expect(r.times.length).toBe(rows);
    expect(sum(r.prompt)).toBe(expectedPrompt);
    expect(r.times[rows - 1]).toBeCloseTo(499.99, 9);
    expect(maxBuffered).toBeLessThanOrEqual(256);
    // Refilled from the low mark (64) to 256 each time: about 50,000 / 192 refills.
    expect(refills).toBeGreaterThan(200);
  });

  it("next() on an empty buffer that is not exhausted is a programming error", () => {
    const source = createSource(
      workload({ process: "trace", trace: traceOptions(fixture("small.csv")) }),
      context(LONG),
    );
    expect(source.needsRefill).toBe(true);
    expect(() => source.next({ time: 0, promptTokens: 0, outputTokens: 0 })).toThrow(/refill/);
  });
});
