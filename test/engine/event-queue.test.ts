/** The event queue: time order, a deterministic order among equal times, payloads intact, growth. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue, MAX_EVENT_ID } from "../../src/engine/event-queue.js";

describe("EventQueue", () => {
  it("pops in time order, equal times by entity then kind, with kind and id intact", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 20 }),
            fc.integer({ min: 0, max: 7 }),
            fc.integer({ min: 0, max: MAX_EVENT_ID }),
          ),
          {
            maxLength: 3000,
          },
        ),
        (events) => {
          const q = new EventQueue(4);
          for (const [t, k, id] of events) q.push(t, k, id);
          const expected = events
            .map(([t, k, id], seq) => ({ t, k, id, seq }))
            .sort((a, b) => a.t - b.t || a.id - b.id || a.k - b.k);
          const got: Array<{ t: number; k: number; id: number }> = [];
          while (q.pop()) got.push({ t: q.time, k: q.kind, id: q.id });
          expect(got).toEqual(expected.map(({ t, k, id }) => ({ t, k, id })));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("interleaves pushes and pops like a sorted list", () => {
    const q = new EventQueue(2);
    const ref: number[] = [];
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      if (x % 3 !== 0 || ref.length === 0) {
        const t = (x % 1000) / 7;
        q.push(t, 1, i);
        ref.push(t);
      } else {
        ref.sort((a, b) => a - b);
        expect(q.pop()).toBe(true);
        expect(q.time).toBe(ref.shift());
      }
    }
    expect(q.size).toBe(ref.length);
    expect(q.peekTime()).toBe(Math.min(...ref));
  });
});
