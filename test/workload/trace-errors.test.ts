import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { TraceOptions } from "../../src/scenario/types.js";
import { createSource, estimateWorkload } from "../../src/workload/create-source.js";
import { context, drain, fixture, traceOptions, workload } from "./helpers.js";

async function replayError(opts: TraceOptions): Promise<InputError> {
  try {
    await drain(createSource(workload({ process: "trace", trace: opts }), context(1e7)));
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

async function estimateError(opts: TraceOptions): Promise<InputError> {
  try {
    await estimateWorkload(workload({ process: "trace", trace: opts }), context(1e7));
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("trace errors are InputErrors naming file:line and the column", () => {
  const cases: Array<[string, Partial<TraceOptions>, string]> = [
    [
      "bad-timestamp.csv",
      {},
      ':4 TIMESTAMP: must be a date and time like 2023-11-16 18:15:46.680590, got "2023-11-16 18:0x:02.0000000"',
    ],
    ["negative-tokens.csv", {}, ":3 GeneratedTokens: must be >= 0, got -5"],
    ["fractional-tokens.csv", {}, ":3 ContextTokens: must be a whole number of tokens, got 2.5"],
    ["non-numeric-tokens.csv", {}, ':3 ContextTokens: must be a number of tokens, got "many"'],
    ["missing-column.csv", {}, ":1 GeneratedTokens: no such column"],
    ["out-of-order.csv", {}, ":5 TIMESTAMP: earlier than the row before"],
    ["missing-key.jsonl", {}, ":4 output_length: missing"],
  ];

  for (const [name, extra, message] of cases) {
    it(`${name}: ${message}`, async () => {
      const file = fixture(name);
      const e = await replayError(traceOptions(file, extra));
      expect(e.message).toContain(`${file}${message}`);
      expect(e.problems[0].file).toBe(file);
      // The estimate reads the same rows and reports the same problem.
      expect((await estimateError(traceOptions(file, extra))).message).toBe(e.message);
    });
  }

  it("a missing file names the file", async () => {
    for (const name of ["absent.csv", "absent.jsonl"]) {
      const file = fixture(name);
      const e = await replayError(traceOptions(file));
      expect(e.message).toBe(`${file}: trace file not found`);
    }
  });

  it("a datetime trace read with a numeric unit reports the first row", async () => {
    const file = fixture("small.csv");
    const e = await replayError(traceOptions(file, { timestampUnit: "s" }));
    expect(e.message).toContain(
      `${file}:2 TIMESTAMP: must be a number of s, got "2023-11-16 18:00:00.0000000"`,
    );
  });

  it("looping a trace whose rows share one time, or an empty trace, is refused", async () => {
    const same = fixture("same-time.csv");
    expect((await replayError(traceOptions(same, { loop: true }))).message).toBe(
      `${same}: cannot loop a trace whose rows all share one time (2 rows, span 0 s)`,
    );
    expect((await estimateError(traceOptions(same, { loop: true }))).message).toContain("cannot loop");
    const empty = fixture("header-only.csv");
    expect((await replayError(traceOptions(empty))).message).toBe(`${empty}: the trace has no rows`);
    expect((await estimateError(traceOptions(empty))).message).toBe(`${empty}: the trace has no rows`);
  });
});
