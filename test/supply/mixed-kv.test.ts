/**
 * One model on replicas of different KV memory (test/fixtures/supply/mixed-kv.yaml): every request
 * (1,100 to 2,100 tokens of context at 780,000 bytes per token) fits a large-server replica's 1.7 GB
 * and none fits a small-server replica's 0.8 GB. No request may be held by a replica whose whole KV
 * memory it exceeds: all of them must be served by the large pool, none rejected.
 *
 * (It once failed: an empty replica admitted any request, so the small pool served about 466 of
 * 562 requests, each holding 0.86-1.64 GB in 0.8 GB. The router now only offers a request to
 * replicas whose KV memory can hold it.)
 */
import { describe, expect, it, vi } from "vitest";
import { Replica } from "../../src/scheduler/replica.js";
import { runScenario } from "../support/run-scenario.js";

describe("a model on replicas of different KV memory", () => {
  it("never holds a request on a replica whose KV memory it exceeds", async () => {
    const admit = Replica.prototype.admit;
    let overfull = 0;
    const spy = vi.spyOn(Replica.prototype, "admit").mockImplementation(function (this: Replica, r: number) {
      admit.call(this, r);
      if (this.kvUsed > this.kvCapacity) overfull++;
    });
    try {
      const { run } = await runScenario("test/fixtures/supply/mixed-kv.yaml");
      const served: Record<string, number> = { small: 0, large: 0 };
      for (const row of run.usage.rows) served[run.topology.groups[row.group].pool.id] += row.requests;
      expect(run.stats[0].rejected).toBe(0);
      expect(served.large).toBeGreaterThan(0);
      expect(served.small).toBe(0);
      expect(overfull).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
