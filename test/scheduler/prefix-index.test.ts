/**
 * The router's prefix record (src/scheduler/prefix-index.ts): leading units matched up to the
 * prompt, partial units, the token bound with least-recently-routed units forgotten first, and a
 * cleared replica.
 */
import { describe, expect, it } from "vitest";
import type { PrefixRef } from "../../src/fleet/prefix-cache.js";
import { PrefixIndex } from "../../src/scheduler/prefix-index.js";

const chain = (keys: number[], unit = 512, tokens = keys.length * unit): PrefixRef => ({
  unitKeys: keys,
  unitTokens: unit,
  tokens,
});

describe("PrefixIndex", () => {
  it("matches the leading run of units recorded for that replica only, within the prompt", () => {
    const idx = new PrefixIndex([1e6, 1e6]);
    idx.record(0, chain([1, 2, 3]), 2000); // 512 + 512 + 512 (the prefix covers 1,536 of 2,000)
    expect(idx.size(0)).toBe(1536);
    expect(idx.size(1)).toBe(0);
    expect(idx.matched(0, chain([1, 2, 3, 4]), 5000)).toBe(1536);
    expect(idx.matched(0, chain([1, 9, 3]), 5000)).toBe(512); // stops at the first unit not recorded
    expect(idx.matched(0, chain([1, 2, 3]), 700)).toBe(700); // no more than the prompt
    expect(idx.matched(1, chain([1, 2, 3]), 5000)).toBe(0);
  });

  it("records a unit a short prompt covers in part, and matches only that part", () => {
    const idx = new PrefixIndex([1e6]);
    idx.record(0, chain([7], 4096), 1000); // one 4,096-token unit, 1,000 tokens of it sent
    expect(idx.size(0)).toBe(1000);
    expect(idx.matched(0, chain([7, 8], 4096), 9000)).toBe(1000);
    idx.record(0, chain([7], 4096), 5000); // later the whole unit
    expect(idx.size(0)).toBe(4096);
    expect(idx.matched(0, chain([7], 4096), 5000)).toBe(4096);
  });

  it("holds at most its bound, forgetting the least recently routed units first", () => {
    const idx = new PrefixIndex([1024]);
    idx.record(0, chain([1]), 600);
    idx.record(0, chain([2]), 600);
    expect(idx.size(0)).toBe(1024);
    idx.record(0, chain([1]), 600); // 1 routed again: now 2 is the oldest
    idx.record(0, chain([3]), 600);
    expect(idx.size(0)).toBe(1024);
    expect(idx.matched(0, chain([2]), 600)).toBe(0);
    expect(idx.matched(0, chain([1]), 600)).toBe(512);
    expect(idx.matched(0, chain([3]), 600)).toBe(512);
  });

  it("records nothing with a bound of 0 (a replica without a prefix cache), and forgets all when cleared", () => {
    const idx = new PrefixIndex([0, 4096]);
    idx.record(0, chain([1]), 600);
    expect(idx.size(0)).toBe(0);
    idx.record(1, chain([1, 2]), 2000);
    idx.clear(1);
    expect(idx.size(1)).toBe(0);
    expect(idx.matched(1, chain([1, 2]), 2000)).toBe(0);
  });
});
