/**
 * Property: settling prefill ends lazily (no event at each, src/scheduler/replica.ts) gives the same
 * first-token and finish times as an event at every prefill end, for any arrivals, prompts and
 * output lengths (one-token outputs included, which complete at their prefill end), on one
 * continuously batching replica fed from a FIFO queue. The two may differ only by the tolerance of
 * the finish test (TOKEN_EPS x the virtual clock, under 1e-4 s here: outputs up to 60 tokens, at
 * most 120 requests, decode at >= 30 tokens/s per request), so times are compared to 1e-4 s, and
 * the lazy replica must need fewer events (it is not vacuous).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Replica } from "../../src/scheduler/replica.js";
import { RequestStore } from "../../src/scheduler/request-store.js";

const curve = {
  maxBatch: 4,
  kvCapacityBytes: 1e12,
  prefillTokensPerS: 4000,
  decodeTokensPerS: Float64Array.from([0, 50, 90, 120, 140]),
};

interface Arrival {
  gap: number;
  prompt: number;
  output: number;
}

function replay(arrivals: Arrival[], lazy: boolean) {
  const req = new RequestStore(16);
  const clock = { now: 0 };
  const rep = new Replica(0, 0, curve, false, clock, req, lazy);
  const queue: number[] = [];
  const first = new Float64Array(arrivals.length);
  const finish = new Float64Array(arrivals.length);
  const id = new Map<number, number>();
  let next = 0;
  let t = 0;
  let arrivalAt = arrivals.length > 0 ? arrivals[0].gap : Number.POSITIVE_INFINITY;
  let events = 0;
  const refill = (now: number) => {
    clock.now = now;
    while (queue.length > 0 && rep.canAdmit(1)) rep.admit(queue.shift()!);
  };
  for (;;) {
    const repAt = rep.nextEvent;
    if (arrivalAt === Number.POSITIVE_INFINITY && repAt === Number.POSITIVE_INFINITY) break;
    events++;
    if (arrivalAt <= repAt) {
      t = arrivalAt;
      const a = arrivals[next];
      const r = req.alloc();
      id.set(r, next);
      req.arrival[r] = t;
      req.prompt[r] = a.prompt;
      req.output[r] = a.output;
      req.kvBytes[r] = 1;
      req.spot[r] = 0;
      queue.push(r);
      refill(t);
      next++;
      arrivalAt = next < arrivals.length ? t + arrivals[next].gap : Number.POSITIVE_INFINITY;
    } else {
      t = repAt;
      clock.now = t;
      rep.step();
      for (let k = 0; k < rep.doneCount; k++) {
        const r = rep.done[k];
        const i = id.get(r)!;
        first[i] = req.firstToken[r];
        finish[i] = t;
        rep.release(1, 0);
        req.release(r);
      }
      refill(t);
    }
  }
  return { first, finish, events };
}

const arrivalArb = fc.record({
  gap: fc.double({ min: 0, max: 1.5, noNaN: true }),
  prompt: fc.integer({ min: 1, max: 3000 }),
  output: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 60 })),
});

describe("lazy prefill ends", () => {
  it("give the times an event at every prefill end gives, with fewer events", () => {
    let eager = 0;
    let lazy = 0;
    fc.assert(
      fc.property(fc.array(arrivalArb, { minLength: 1, maxLength: 120 }), (arrivals) => {
        const a = replay(arrivals, false);
        const b = replay(arrivals, true);
        for (let i = 0; i < arrivals.length; i++) {
          expect(Math.abs(b.first[i] - a.first[i])).toBeLessThan(1e-4);
          expect(Math.abs(b.finish[i] - a.finish[i])).toBeLessThan(1e-4);
          expect(b.first[i]).toBeGreaterThan(0);
        }
        eager += a.events;
        lazy += b.events;
      }),
      { seed: 20261124, numRuns: 150 },
    );
    expect(lazy).toBeLessThan(0.9 * eager);
  });
});
