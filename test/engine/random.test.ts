/** The random streams: seedrandom's xor4096 draws, stepped by our own class (src/engine/random.ts). */
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { deriveStream, Xor4096Stream } from "../../src/engine/random.js";

describe("Xor4096Stream", () => {
  it("draws exactly what seedrandom's xor4096 draws for the same key", () => {
    const long = "tenant-with-a-long-name/".repeat(12); // past 128 characters: seeding mixes differently
    for (const key of [
      "1",
      "42\u0000openai\u0000chat",
      "7\u0000fabrikam\u0000support\u0000tokens",
      long,
      "ünïcode ✓",
    ]) {
      const ours = new Xor4096Stream(key);
      const theirs = seedrandom.xor4096(key);
      for (let k = 0; k < 200_000; k++) {
        const a = ours.next();
        const b = theirs();
        if (a !== b) expect({ key, draw: k, ours: a }).toEqual({ key, draw: k, ours: b });
      }
    }
  });

  it("keys a stream by the seed and the names, and draws uniforms in [0, 1)", () => {
    const a = deriveStream(1, "t", "w");
    const b = deriveStream(1, "t", "w");
    const c = deriveStream(2, "t", "w");
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});
