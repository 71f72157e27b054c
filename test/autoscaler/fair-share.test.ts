/** fairShare: how a full pool is shared between the models asking for it. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fairShare } from "../../src/autoscaler/fair-share.js";

describe("fairShare", () => {
  it("grants every ask when the pool holds them", () => {
    expect(fairShare([3, 2], [8, 4], [0, 0], 32)).toEqual([3, 2]);
  });

  it("scales every ask by the same factor when it does not (whole replicas, leftover to the furthest below)", () => {
    // asks 4 x 8 + 8 x 4 = 64 accelerators on 48: factor 0.75 -> 3 x 8 + 6 x 4 = 48 exactly
    expect(fairShare([4, 8], [8, 4], [0, 0], 48)).toEqual([3, 6]);
    // on 44: floor gives 2 x 8 + 5 x 4 = 36; the 8 left go to the furthest below (2.75 - 2 > 5.5 - 5)
    expect(fairShare([4, 8], [8, 4], [0, 0], 44)).toEqual([3, 5]);
  });

  it("keeps min_replicas", () => {
    expect(fairShare([4, 8], [8, 4], [0, 7], 44)).toEqual([2, 7]);
  });

  it("never exceeds the pool, nor an ask, keeps the mins, and leaves no replica that would still fit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ask: fc.nat(20), fp: fc.integer({ min: 1, max: 8 }), min: fc.nat(3) }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.nat(200),
        (models, cap) => {
          const mins = models.map((m) => Math.min(m.min, m.ask));
          fc.pre(mins.reduce((a, x, i) => a + x * models[i].fp, 0) <= cap);
          const asks = models.map((m) => m.ask);
          const fps = models.map((m) => m.fp);
          const out = fairShare(asks, fps, mins, cap);
          const used = out.reduce((a, x, i) => a + x * fps[i], 0);
          const want = asks.reduce((a, x, i) => a + x * fps[i], 0);
          if (want <= cap) {
            expect(out).toEqual(asks);
            return;
          }
          expect(used).toBeLessThanOrEqual(cap);
          out.forEach((x, i) => {
            expect(x).toBeLessThanOrEqual(asks[i]);
            expect(x).toBeGreaterThanOrEqual(mins[i]);
            if (x < asks[i]) expect(fps[i]).toBeGreaterThan(cap - used);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
