/** The simulator's two queues pop as one: the same events, in the same order, as a single queue. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/engine/event-queue.js";
import { type EventHandler, Simulator } from "../../src/engine/simulator.js";

type Ev = [time: number, kind: number, id: number, stream: boolean];

describe("Simulator", () => {
  it("merges the stream queue and the main queue in (time, entity, kind) order", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 30 }),
            fc.integer({ min: 0, max: 7 }),
            fc.integer({ min: 0, max: 50 }),
            fc.boolean(),
          ),
          { maxLength: 400 },
        ),
        fc.integer({ min: 1, max: 50 }),
        (events: Ev[], slice) => {
          // Each handled event may schedule a follow-up on either queue, as arrivals and replicas
          // do, the time in `at`; the first main-queue events go in by argument.
          const sim = new Simulator();
          const one = new EventQueue(4);
          const got: number[][] = [];
          const follow = (t: number, k: number, id: number) =>
            id % 3 === 0 ? [t + (id % 5), k, id + 1] : null;
          const handler: EventHandler = {
            handle(kind, id) {
              got.push([sim.now, kind, id]);
              const f = follow(sim.now, kind, id);
              if (f && f[2] <= 60) {
                sim.at = f[0];
                if (f[2] % 2 === 0) sim.scheduleStreamAt(f[1], f[2]);
                else sim.scheduleAt(f[1], f[2]);
              }
            },
          };
          for (const [t, k, id, stream] of events) {
            if (stream) {
              sim.at = t;
              sim.scheduleStreamAt(k, id);
            } else sim.schedule(t, k, id);
            one.push(t, k, id);
          }
          while (!sim.runSlice(Number.POSITIVE_INFINITY, handler, slice)) {}
          const expected: number[][] = [];
          while (one.pop()) {
            expected.push([one.time, one.kind, one.id]);
            const f = follow(one.time, one.kind, one.id);
            if (f && f[2] <= 60) one.push(f[0], f[1], f[2]);
          }
          expect(got).toEqual(expected);
          expect(sim.events).toBe(expected.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("stops before the limit on either queue and reports what remains", () => {
    const sim = new Simulator();
    sim.schedule(5, 1, 1);
    sim.at = 2;
    sim.scheduleStreamAt(0, 0);
    sim.at = 7;
    sim.scheduleStreamAt(0, 2);
    const seen: number[] = [];
    const done = sim.runSlice(6, { handle: () => seen.push(sim.now) }, 100);
    expect(done).toBe(true);
    expect(seen).toEqual([2, 5]);
    expect(sim.peekTime()).toBe(7);
    sim.at = 1;
    sim.scheduleStreamAt(0, 0);
    expect(() => sim.runSlice(10, { handle: () => {} }, 100)).toThrow(/in the past/);
  });
});
