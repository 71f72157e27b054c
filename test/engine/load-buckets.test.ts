/** The load index always names a member of minimum load, whatever the sequence of changes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoadBuckets, NO_KEY } from "../../src/scheduler/load-buckets.js";

describe("LoadBuckets", () => {
  it("min() is always a member with the smallest key (or -1 when none has one)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -1, max: 40 })), { maxLength: 400 }),
        (size, ops) => {
          const b = new LoadBuckets(size);
          const keys = new Array(size).fill(NO_KEY);
          for (const [m0, k] of ops) {
            const m = m0 % size;
            b.set(m, k);
            keys[m] = k;
            const live = keys.filter((x) => x !== NO_KEY);
            const m1 = b.min();
            if (live.length === 0) expect(m1).toBe(-1);
            else {
              expect(keys[m1]).toBe(Math.min(...live));
              expect(b.key(m1)).toBe(keys[m1]);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
