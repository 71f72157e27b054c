/**
 * A request whose KV cache (context x kv_bytes_per_token) is larger than a replica's whole KV memory
 * (test/fixtures/supply/oversize-request.yaml: prompts up to 1,500 tokens, room for 1,025).
 *
 * Such a request cannot be served by any replica of its model: it is rejected on arrival (and
 * tried on its fallbacks), and never blocks the requests queued behind it. (It once did: it was
 * queued, never admitted, and 593 of 595 requests were left in flight at the horizon.)
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../support/run-scenario.js";

describe("a request larger than a replica's KV memory", () => {
  it("does not stall the requests queued behind it", async () => {
    const { run } = await runScenario("test/fixtures/supply/oversize-request.yaml");
    const st = run.stats[0];
    const inFlight = st.requests - st.completed - st.rejected;
    // A request takes well under a second here (20 output tokens at 100+ tokens/s, prefill at
    // 20,000 tokens/s), so at 1 arrival/s only the last few seconds' requests can be in flight.
    expect(inFlight).toBeLessThan(10);
    expect(st.rejected).toBeGreaterThan(0);
    expect(st.requests).toBe(st.completed + st.rejected + inFlight);
  });
});
