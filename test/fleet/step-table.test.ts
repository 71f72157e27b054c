/**
 * Measured step tables with a context axis (src/fleet/step-table.ts): bilinear interpolation exact
 * at the grid's points and linear between them, flat below and extrapolated above; the closed-form
 * sum of a stretch of decode steps equal to the steps summed one by one; the mixed-step composition.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { decodeStepMs, interpolate, prefillStepMs, TableStepTime } from "../../src/fleet/step-table.js";
import { addDecode, addPrefillChunk, emptyComposition } from "../../src/fleet/step-time.js";
import type { StepTable } from "../../src/scenario/types.js";
import { model, profile } from "./helpers.js";

const TABLE: StepTable = {
  decode: {
    batch: [1, 16, 64, 256],
    context: [256, 1024, 4096],
    ms: [
      [6.0, 6.4, 7.6],
      [7.0, 8.0, 12.0],
      [9.0, 12.0, 24.0],
      [16.0, 28.0, 76.0],
    ],
  },
  prefill: { tokens: [128, 512, 2048, 8192], ms: [9.0, 14.0, 40.0, 150.0] },
};

const BASE = servingSetup(profile("nd-h100-v5"), model("llama-3.1-8b")).stepModel;

describe("step table interpolation", () => {
  it("is exact at every grid point", () => {
    const d = TABLE.decode;
    d.batch.forEach((b, i) => {
      d.context.forEach((c, j) => {
        expect(decodeStepMs(TABLE, b, c)).toBe(d.ms[i][j]);
      });
    });
    TABLE.prefill.tokens.forEach((t, i) => {
      expect(prefillStepMs(TABLE, t)).toBe(TABLE.prefill.ms[i]);
    });
  });

  it("is bilinear between grid points (analytic: a bilinear function is reproduced everywhere inside)", () => {
    // f(b, c) = 3 + 0.05 b + 0.002 c + 0.0001 b c is bilinear, so interpolation must return it exactly
    const f = (b: number, c: number) => 3 + 0.05 * b + 0.002 * c + 0.0001 * b * c;
    const d = TABLE.decode;
    const t: StepTable = {
      ...TABLE,
      decode: { ...d, ms: d.batch.map((b) => d.context.map((c) => f(b, c))) },
    };
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 256, noNaN: true }),
        fc.double({ min: 256, max: 4096, noNaN: true }),
        (b, c) => {
          expect(decodeStepMs(t, b, c)).toBeCloseTo(f(b, c), 9);
        },
      ),
    );
    // and by hand in one cell of TABLE: batch 8 (7/15 of the way from 1 to 16), context 640 (half way)
    const low = 6.0 + (7.0 - 6.0) * (7 / 15);
    const high = 6.4 + (8.0 - 6.4) * (7 / 15);
    expect(decodeStepMs(TABLE, 8, 640)).toBeCloseTo((low + high) / 2, 12);
    expect(prefillStepMs(TABLE, 1000)).toBeCloseTo(14 + (26 * 488) / 1536, 12);
  });

  it("is flat below the smallest value of an axis and extrapolates the last segment above the largest", () => {
    expect(decodeStepMs(TABLE, 1, 100)).toBe(6.0);
    expect(prefillStepMs(TABLE, 10)).toBe(9.0);
    // context 8192: the last segment of batch 1 rises 1.2 ms over 3072 tokens
    expect(decodeStepMs(TABLE, 1, 8192)).toBeCloseTo(7.6 + (1.2 * 4096) / 3072, 12);
    // batch 512 at context 256: the last batch segment rises 7 ms over 192 requests
    expect(decodeStepMs(TABLE, 512, 256)).toBeCloseTo(16 + (7 * 256) / 192, 12);
    expect(prefillStepMs(TABLE, 16384)).toBeCloseTo(150 + (110 * 8192) / 6144, 12);
    // a last segment that falls is not extrapolated downwards
    expect(interpolate([1, 2], [5, 4], 10)).toBe(4);
  });
});

describe("TableStepTime", () => {
  const m = new TableStepTime(BASE, TABLE);

  it("times pure steps by the table and a mixed step as prefill of all its tokens + the decodes' attention growth with context", () => {
    const p = emptyComposition();
    addPrefillChunk(p, 0, 512, true);
    expect(m.stepSeconds(p)).toBeCloseTo(0.014, 15);
    const d = emptyComposition();
    for (let i = 0; i < 16; i++) addDecode(d, 1024);
    expect(m.stepSeconds(d)).toBeCloseTo(0.008, 15);
    const mixed = emptyComposition();
    addPrefillChunk(mixed, 0, 512, true);
    for (let i = 0; i < 16; i++) addDecode(mixed, 1024);
    // prefill of 512 + 16 tokens, plus batch 16's rise from context 256 to 1024 (8.0 - 7.0 ms)
    expect(m.stepSeconds(mixed)).toBeCloseTo((14 + (26 * 16) / 1536 + (8.0 - 7.0)) / 1000, 15);
    expect(m.stepSeconds(emptyComposition())).toBe(0);
  });

  it("sums a stretch of decode steps in closed form equal to the steps one by one, across grid points", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.integer({ min: 1, max: 3000 }),
        (n, meanCached, steps) => {
          const cachedSum = n * meanCached + (meanCached > 0 ? n - 1 : 0); // not a multiple of n
          let loop = 0;
          const c = emptyComposition();
          for (let k = 0; k < steps; k++) {
            c.decodes = n;
            c.decodeCachedSum = cachedSum + k * n;
            loop += m.stepSeconds(c);
          }
          expect(m.decodeRunSeconds(n, cachedSum, steps) / loop).toBeCloseTo(1, 9);
          const lines = new Float64Array(5);
          m.decodeRunLines(n, cachedSum, lines);
          expect(m.runSecondsFromLines(lines, steps) / loop).toBeCloseTo(1, 9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps the roofline model's KV bytes per token (the KV blocks are sized as before)", () => {
    expect(m.kvBytesPerToken).toBe(BASE.kvBytesPerToken);
    expect(m.kvBytesPerTokenPerDevice()).toBe(BASE.kvBytesPerTokenPerDevice());
  });
});
