import { describe, expect, it } from "vitest";
import { interpolateDecode } from "../../src/fleet/measured-table.js";
import { serviceCurve } from "../../src/fleet/service-model.js";
import { toyModel, toyProfile } from "./helpers.js";

const table: Array<[number, number]> = [
  [4, 400],
  [8, 600],
  [32, 1200],
];

describe("measured decode table", () => {
  it("interpolates linearly between batch sizes", () => {
    expect(interpolateDecode(table, 6)).toBeCloseTo(500, 9);
    expect(interpolateDecode(table, 20)).toBeCloseTo(900, 9);
    expect(interpolateDecode(table, 8)).toBe(600);
  });

  it("is proportional to the batch from zero below the smallest batch size", () => {
    expect(interpolateDecode(table, 1)).toBeCloseTo(100, 9);
    expect(interpolateDecode(table, 2)).toBeCloseTo(200, 9);
    expect(interpolateDecode(table, 0)).toBe(0);
  });

  it("is flat above the largest batch size", () => {
    expect(interpolateDecode(table, 33)).toBe(1200);
    expect(interpolateDecode(table, 500)).toBe(1200);
  });

  it("wins over the roofline, with the table's prefill and max batch", () => {
    const p = toyProfile({
      performance: [{ model: "toy-10b", prefillTokensPerS: 7777, decodeTokensPerS: table, maxBatch: 40 }],
    });
    const curve = serviceCurve(p, toyModel(), { meanContextTokens: 1000, maxBatchCap: null });
    expect(curve.source).toBe("measured");
    expect(curve.prefillTokensPerS).toBe(7777);
    expect(curve.maxBatch).toBe(40);
    expect(curve.decodeTokensPerS.length).toBe(41);
    expect(curve.decodeTokensPerS[6]).toBeCloseTo(500, 9);
    expect(curve.decodeTokensPerS[40]).toBe(1200);
  });

  it("ignores another model's table", () => {
    const p = toyProfile({
      performance: [{ model: "other", prefillTokensPerS: 1, decodeTokensPerS: table }],
    });
    expect(serviceCurve(p, toyModel(), { meanContextTokens: 1000, maxBatchCap: null }).source).toBe(
      "roofline",
    );
  });
});
