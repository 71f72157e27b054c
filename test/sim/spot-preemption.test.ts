/**
 * Spot work is preempted when others need the capacity: an on-demand tenant arriving on a pool that
 * spot work keeps busy (8 replicas, spot offered 6 of the 8 erlangs plus 1 of on-demand) is served
 * as if the spot work were not there, and the evicted spot requests are requeued, not lost.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectEveryRequestAccounted } from "../support/conservation.js";
import { mmcMeanWait } from "../support/queueing.js";
import { runScenario, scenarioPath } from "../support/run-scenario.js";

function fixture(batch: number): string {
  const text = readFileSync(scenarioPath("test/fixtures/sim/spot.yaml"), "utf8").replace(
    "BATCH",
    String(batch),
  );
  const dir = mkdtempSync(join(tmpdir(), "fleetsim-spot-"));
  const file = join(dir, "spot.yaml");
  // Keep the profile path valid from the temporary folder.
  writeFileSync(
    file,
    text.replace("../../../scenarios/validation/profiles", scenarioPath("scenarios/validation/profiles")),
  );
  return file;
}

describe.each([1, 4])("spot preemption, max_batch %s", (batch) => {
  it("serves on-demand work first and requeues the preempted spot work", async () => {
    const { run } = await runScenario(fixture(batch));
    const [spot, interactive] = run.stats;
    expect(run.preempted).toBeGreaterThan(0);
    expect(spot.preempted).toBe(run.preempted);
    expect(interactive.preempted).toBe(0);
    expectEveryRequestAccounted(run);
    for (const st of run.stats) expect(st.rejected).toBe(0);
    if (batch === 1) {
      // With preemption the on-demand tenant sees an M/M/8 of its own load (1 erlang): a wait of
      // mmcMeanWait(8, 1, 1), about 3e-5 s. Without preemption it would queue behind spot work in a
      // system at 7/8 utilisation (mean wait about 0.3 s). Tolerance: far between the two.
      expect(interactive.ttftS.mean()!).toBeLessThan(100 * mmcMeanWait(8, 1, 1) + 0.01);
      expect(spot.ttftS.mean()!).toBeGreaterThan(0.05);
    }
  });
});

describe("spot preemption that frees too little KV memory", () => {
  it("leaves the replica running: its batch completes and the queue drains", async () => {
    // One replica holds about 6,390 tokens: a large on-demand request (4,000) plus a few spot ones
    // (500 each). A second large request preempts every spot request and still does not fit, so it
    // queues; the replica, its batch now smaller, must still reach its (earlier) next leave. When it
    // did not, the batch never finished and every later request waited to the horizon.
    const { run } = await runScenario("test/fixtures/sim/spot-kv.yaml");
    const [spot, interactive] = run.stats;
    expect(run.preempted).toBeGreaterThan(0);
    for (const st of run.stats) {
      expect(st.rejected).toBe(0);
      // At most a handful in flight at the horizon (the pool is about 60 % utilised).
      expect(st.inFlight).toBeLessThan(0.02 * st.requests + 10);
    }
    expect(interactive.completed).toBeGreaterThan(100);
    expect(spot.completed).toBeGreaterThan(5000);
  });
});
