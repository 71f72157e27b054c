/**
 * IntFifo, the ring behind the router's queues and the step replica's waiting line, against a
 * plain array on random operation sequences: push and pushFront across wraps and growth, shift,
 * at, removeAt and clear give the array's order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntFifo } from "../../src/scheduler/fifo.js";

type Op = { kind: "push" | "front" | "shift" | "remove" | "clear"; v: number };

describe("IntFifo", () => {
  it("keeps the order a plain array keeps, across wraps and growth", () => {
    const op = fc.record({
      kind: fc.constantFrom("push", "push", "front", "shift", "remove", "clear"),
      v: fc.integer({ min: 0, max: 1_000_000 }),
    }) as fc.Arbitrary<Op>;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(op, { maxLength: 200 }), (capacity, ops) => {
        const q = new IntFifo(capacity);
        const model: number[] = [];
        for (const o of ops) {
          if (o.kind === "push") {
            q.push(o.v);
            model.push(o.v);
          } else if (o.kind === "front") {
            q.pushFront(o.v);
            model.unshift(o.v);
          } else if (o.kind === "shift" && model.length > 0) {
            expect(q.shift()).toBe(model.shift());
          } else if (o.kind === "remove" && model.length > 0) {
            const k = o.v % model.length;
            q.removeAt(k);
            model.splice(k, 1);
          } else if (o.kind === "clear") {
            q.clear();
            model.length = 0;
          }
          expect(q.size).toBe(model.length);
          if (model.length > 0) expect(q.peek()).toBe(model[0]);
        }
        expect(Array.from({ length: q.size }, (_, k) => q.at(k))).toEqual(model);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
