/**
 * A trace's prefix-block hash ids (Mooncake's `hash_ids`): each row's leading ids become its
 * shared prefix, one unit of `prefix_block_tokens` tokens per id, cut at its prompt; rows with the
 * same leading ids get the same unit keys, and a replayed trace finds them cached.
 */
import { describe, expect, it } from "vitest";
import { deriveStream } from "../../src/engine/random.js";
import { MultiplierSchedule } from "../../src/workload/multiplier-schedule.js";
import type { RequestDraw } from "../../src/workload/source.js";
import { TraceSource } from "../../src/workload/trace-source.js";
import { runScenario } from "../support/run-scenario.js";
import { sharedTrace, traceOptions } from "./helpers.js";

async function firstDraws(n: number, prefixColumn: string | null): Promise<RequestDraw[]> {
  const opts = traceOptions(sharedTrace("conversation_trace.jsonl"), { prefixColumn });
  const src = new TraceSource(opts, 1e9, new MultiplierSchedule([]), deriveStream(1, "t"));
  const out: RequestDraw[] = [];
  while (out.length < n) {
    if (src.needsRefill) await src.refill();
    const d: RequestDraw = { time: 0, promptTokens: 0, outputTokens: 0 };
    if (!src.next(d)) break;
    out.push(d);
  }
  await src.close();
  return out;
}

describe("trace prefixes", () => {
  it("reads hash_ids as 512-token units, the same key for the same id, cut at the prompt", async () => {
    // rows 1-3 of the trace: hash_ids [0, 1..13], [0, 14..27], [0, 28..41]; prompts 6758, 7322, 7236
    const [a, b, c] = await firstDraws(3, "hash_ids");
    for (const d of [a, b, c]) {
      expect(d!.prefix!.unitTokens).toBe(512);
    }
    expect(a!.prefix!.tokens).toBe(6758); // 14 ids x 512 = 7168, cut at the prompt
    expect(a!.prefix!.unitKeys.length).toBe(14);
    expect(b!.prefix!.unitKeys[0]).toBe(a!.prefix!.unitKeys[0]); // id 0, shared
    expect(b!.prefix!.unitKeys[1]).not.toBe(a!.prefix!.unitKeys[1]);
    expect(new Set([...Array.from(a!.prefix!.unitKeys), ...Array.from(c!.prefix!.unitKeys)]).size).toBe(
      14 + 14,
    );
  });

  it("reads no prefix without a prefix column (CSV traces, or prefix_column unset)", async () => {
    const [a] = await firstDraws(1, null);
    expect(a!.prefix ?? null).toBeNull();
  });

  it("a replay on step replicas finds the shared blocks cached", async () => {
    const { summary, run } = await runScenario("test/fixtures/serving/mooncake-prefix.yaml");
    expect(run.stats[0]!.completed).toBeGreaterThan(500);
    // the rows share their first blocks (a system prompt) and conversations their earlier turns
    expect(summary.prefixHitRate).toBeGreaterThan(0.05);
    expect(summary.cachedInputTokens % 16).toBe(0);
  });
});
