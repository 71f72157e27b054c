import { expect } from "vitest";
import type { RunResult } from "../../src/contract/run-result.js";

/**
 * Every arrival completed, rejected, or still in the system at the horizon, where the last is
 * the request engine's own count of the requests its store holds (queued or in a replica), not
 * derived from the tenant counters: a request lost (never finished, never rejected, no longer
 * held) or finished twice breaks the sum.
 */
export function expectEveryRequestAccounted(run: RunResult): void {
  expect(run.liveAtHorizon, "the request engine counts the requests alive at the horizon").toBeDefined();
  let arrived = 0;
  let settled = 0;
  for (const st of run.stats) {
    arrived += st.requests;
    settled += st.completed + st.rejected;
  }
  expect(settled + run.liveAtHorizon!, "completed + rejected + alive at the horizon").toBe(arrived);
}
