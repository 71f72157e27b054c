/**
 * Route classes of many groups keep an index of their least-loaded group (ClassMinIndex) instead
 * of scanning their groups on every request. It must choose what the scan chooses: the first group,
 * in the class's order, of least load among those whose replicas can hold the request.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { RouteClass } from "../../src/contract/routes.js";
import type { Topology } from "../../src/contract/topology.js";
import { ClassMinIndex } from "../../src/scheduler/class-min-index.js";
import type { Replica } from "../../src/scheduler/replica.js";
import type { RequestStore } from "../../src/scheduler/request-store.js";
import { INDEXED_CLASS_GROUPS, Router } from "../../src/scheduler/router.js";
import { runScenario } from "../support/run-scenario.js";
import { inside } from "./observe.js";

describe("ClassMinIndex", () => {
  it("names the first position of least key after any sequence of changes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -1, max: 6 })), { maxLength: 300 }),
        (n, ops) => {
          const index = new ClassMinIndex(n);
          const keys = new Array(n).fill(-1);
          expect(index.min()).toBe(-1);
          for (const [p0, k] of ops) {
            const p = p0 % n;
            index.set(p, k);
            keys[p] = k;
            const live = keys.filter((x) => x >= 0);
            const expected = live.length === 0 ? -1 : keys.indexOf(Math.min(...live));
            expect(index.min()).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("least_loaded on a class of ten groups of two KV sizes", () => {
  it("places every request on the first group of least load that can hold it, as a scan would", async () => {
    const place = Router.prototype.place;
    let decisions = 0;
    let passedOver = 0;
    const wrong: string[] = [];
    const spy = vi.spyOn(Router.prototype, "place").mockImplementation(function (this: Router, cls, r, slo) {
      const { replicas, req, topo } = inside(this) as unknown as {
        replicas: Array<Replica | null>;
        req: RequestStore;
        topo: Topology;
      };
      const kv = req.kvBytes[r];
      // The scan, over the replicas as they are before the decision.
      let expected = -1;
      let least = Number.POSITIVE_INFINITY;
      let leastAnySize = Number.POSITIVE_INFINITY;
      for (const g of (cls as RouteClass).groups) {
        const grp = topo.groups[g];
        for (let i = 0; i < grp.slots; i++) {
          const rep = replicas[grp.firstReplica + i]!;
          if (!(rep.present && rep.alive && !rep.draining)) continue;
          leastAnySize = Math.min(leastAnySize, rep.load);
          if (rep.kvCapacity >= kv && rep.load < least) {
            least = rep.load;
            expected = g;
          }
        }
      }
      if (leastAnySize < least) passedOver++;
      const res = place.call(this, cls, r, slo);
      const chosen = replicas[req.replica[r]];
      decisions++;
      // Placed or queued, the chosen replica's load is now one more than it was.
      if (chosen?.group !== expected || chosen.load - 1 !== least)
        wrong.push(
          `request ${r}: group ${chosen?.group} (load ${chosen?.load}), expected group ${expected} (load ${least})`,
        );
      return res;
    });
    try {
      const { run } = await runScenario("test/fixtures/supply/wide-mixed-kv.yaml");
      expect(run.routes.classes[0].groups.length).toBeGreaterThanOrEqual(INDEXED_CLASS_GROUPS);
      expect(decisions).toBe(run.stats[0].requests);
      expect(run.stats[0].rejected).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // The index's least-loaded group was too small for the request often enough to matter.
    expect(passedOver).toBeGreaterThan(decisions / 50);
  });
});
