/**
 * The event queue at its limits, against its contract (src/engine/event-queue.ts): events pop in
 * time order, equal times by entity index then kind; kinds 0..7 and entity indexes 0..2^28-1 come
 * back intact; popBefore(limit) takes only events strictly before the limit. The limits are the
 * documented numbers, written here, not the module's constants.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue, MAX_EVENT_ID } from "../../src/engine/event-queue.js";

/** The documented largest entity index and kind. */
const LARGEST_ID = 2 ** 28 - 1;
const LARGEST_KIND = 7;

interface Ev {
  t: number;
  k: number;
  id: number;
}

const byOrder = (a: Ev, b: Ev) => a.t - b.t || a.id - b.id || a.k - b.k;

/** Ids across the whole documented range, its ends (and their neighbours) included often. */
const anyId = fc.oneof(
  fc.constantFrom(0, 1, 2, LARGEST_ID, LARGEST_ID - 1, 2 ** 27, 2 ** 27 - 1),
  fc.integer({ min: 0, max: LARGEST_ID }),
);
const anyKind = fc.integer({ min: 0, max: LARGEST_KIND });
/** Few distinct times, so ties are common; -0, 0 and fractions among them. */
const anyTime = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(0.5, 2.25, 1e-9, 1e12));

function drain(q: EventQueue): Ev[] {
  const out: Ev[] = [];
  while (q.pop()) out.push({ t: q.time, k: q.kind, id: q.id });
  return out;
}

describe("EventQueue limits", () => {
  it("documents entity indexes up to 2^28 - 1", () => {
    expect(MAX_EVENT_ID).toBe(LARGEST_ID);
  });

  it("keeps the largest kind and entity index intact, and orders them after smaller ones", () => {
    const q = new EventQueue(1);
    q.push(1, LARGEST_KIND, LARGEST_ID);
    q.push(1, 0, LARGEST_ID);
    q.push(1, LARGEST_KIND, LARGEST_ID - 1);
    q.push(1, 0, 0);
    q.push(0, LARGEST_KIND, LARGEST_ID);
    expect(drain(q)).toEqual([
      { t: 0, k: LARGEST_KIND, id: LARGEST_ID },
      { t: 1, k: 0, id: 0 },
      { t: 1, k: LARGEST_KIND, id: LARGEST_ID - 1 },
      { t: 1, k: 0, id: LARGEST_ID },
      { t: 1, k: LARGEST_KIND, id: LARGEST_ID },
    ]);
  });

  it("behaves like a sorted list under any mix of push, pop and popBefore, ids over the whole range", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant("push" as const), t: anyTime, k: anyKind, id: anyId }),
            fc.record({ op: fc.constant("pop" as const) }),
            fc.record({ op: fc.constant("before" as const), limit: anyTime }),
          ),
          { maxLength: 400 },
        ),
        fc.integer({ min: 1, max: 8 }),
        (ops, capacity) => {
          const q = new EventQueue(capacity);
          const ref: Ev[] = [];
          for (const o of ops) {
            if (o.op === "push") {
              if (o.id % 2 === 0) q.push(o.t, o.k, o.id);
              else {
                q.pending = o.t;
                q.add(o.k, o.id);
              }
              ref.push({ t: o.t, k: o.k, id: o.id });
              ref.sort(byOrder);
            } else {
              const limit = o.op === "pop" ? Number.POSITIVE_INFINITY : o.limit;
              const expected = ref.length > 0 && ref[0].t < limit ? ref.shift() : undefined;
              const popped = o.op === "pop" ? q.pop() : q.popBefore(limit);
              expect(popped).toBe(expected !== undefined);
              if (expected) expect({ t: q.time, k: q.kind, id: q.id }).toEqual(expected);
            }
            expect(q.size).toBe(ref.length);
            expect(q.peekTime()).toBe(ref.length > 0 ? ref[0].t : Number.POSITIVE_INFINITY);
          }
          expect(drain(q)).toEqual(ref);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves an event at exactly the slice's limit for the next slice", () => {
    const q = new EventQueue(2);
    q.push(10, 1, 5);
    q.push(10 - 2 ** -49, 2, 6); // the float just below 10
    q.push(20, 3, 7);
    expect(q.popBefore(10)).toBe(true);
    expect([q.time, q.kind, q.id]).toEqual([10 - 2 ** -49, 2, 6]);
    expect(q.popBefore(10)).toBe(false); // the event at 10 stays, and the last popped is still exposed
    expect([q.time, q.kind, q.id]).toEqual([10 - 2 ** -49, 2, 6]);
    expect(q.size).toBe(2);
    expect(q.peekTime()).toBe(10);
    expect(q.popBefore(10 + 2 ** -49)).toBe(true);
    expect([q.time, q.kind, q.id]).toEqual([10, 1, 5]);
    expect(q.popBefore(20)).toBe(false);
    expect(q.popBefore(Number.POSITIVE_INFINITY)).toBe(true);
    expect(q.popBefore(Number.POSITIVE_INFINITY)).toBe(false);
    expect(q.pop()).toBe(false);
  });

  it("says which of two queues pops first, as if they were one (time, then entity, then kind)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: anyTime, k: anyKind, id: anyId }), { maxLength: 6 }),
        fc.array(fc.record({ t: anyTime, k: anyKind, id: anyId }), { maxLength: 6 }),
        (a, b) => {
          const qa = new EventQueue(2);
          const qb = new EventQueue(2);
          for (const e of a) qa.push(e.t, e.k, e.id);
          for (const e of b) qb.push(e.t, e.k, e.id);
          const fa = [...a].sort(byOrder)[0];
          const fb = [...b].sort(byOrder)[0];
          const expected = fa !== undefined && (fb === undefined || byOrder(fa, fb) < 0);
          expect(qa.precedes(qb)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
    const one = new EventQueue();
    one.push(3, 0, 0);
    const same = new EventQueue();
    same.push(3, 0, 0);
    expect(one.precedes(same)).toBe(false); // an equal event does not come before
    expect(new EventQueue().precedes(one)).toBe(false);
    expect(one.precedes(new EventQueue())).toBe(true);
  });

  it("forgets everything on clear and grows past its initial capacity without losing events", () => {
    const q = new EventQueue(1);
    for (let i = 0; i < 100; i++) q.push(100 - i, i % 8, LARGEST_ID - i);
    expect(q.size).toBe(100);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 100; i++) q.push(i % 10, i % 8, i);
    const out = drain(q);
    expect(out.length).toBe(100);
    expect(out[0]).toEqual({ t: 0, k: 0, id: 0 });
    expect(out[99]).toEqual({ t: 9, k: 3, id: 99 });
  });
});
