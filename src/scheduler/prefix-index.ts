/**
 * The router's own record of which prefix it sent to which replica (prefix_affinity routing), as
 * SGLang's cache-aware router keeps an approximate radix tree per worker from the requests it
 * routed, not from the workers' caches (docs/service-model.md "Prefix-aware routing").
 *
 * Per replica: the prefix units (a trace's hash-id blocks, or a workload group's one prefix unit)
 * routed there, with the tokens of each unit its prompts covered, least recently routed first.
 * The tokens held are bounded; past the bound the least recently routed units are forgotten.
 * A Map keeps insertion order, so "move to the end" is delete + set and eviction walks the front:
 * the order depends only on the sequence of routings, never on the keys' values.
 */
import type { PrefixRef } from "../fleet/prefix-cache.js";

export class PrefixIndex {
  private readonly units: Array<Map<number, number>>;
  private readonly held: Float64Array;

  /** `bound[i]`: tokens replica i's record may hold (0: it records nothing). */
  constructor(private readonly bound: ArrayLike<number>) {
    this.units = Array.from({ length: bound.length }, () => new Map<number, number>());
    this.held = new Float64Array(bound.length);
  }

  /** Tokens recorded for replica i. */
  size(i: number): number {
    return this.held[i];
  }

  /** Leading prefix tokens of a prompt of `prompt` tokens that replica i's record holds. */
  matched(i: number, ref: PrefixRef, prompt: number): number {
    const units = this.units[i];
    if (units.size === 0) return 0;
    const cover = Math.min(ref.tokens, prompt);
    const u = ref.unitTokens;
    let got = 0;
    for (let j = 0; j * u < cover; j++) {
      const need = Math.min(u, cover - j * u);
      const have = units.get(ref.unitKeys[j]!);
      if (have === undefined) break;
      got += Math.min(have, need);
      if (have < need) break;
    }
    return got;
  }

  /** Records that a prompt of `prompt` tokens with prefix `ref` went to replica i. */
  record(i: number, ref: PrefixRef, prompt: number): void {
    const bound = this.bound[i];
    if (bound <= 0) return;
    const units = this.units[i];
    const cover = Math.min(ref.tokens, prompt);
    const u = ref.unitTokens;
    let held = this.held[i];
    for (let j = 0; j * u < cover; j++) {
      const key = ref.unitKeys[j]!;
      const tokens = Math.min(u, cover - j * u);
      const had = units.get(key);
      if (had !== undefined) units.delete(key);
      const keep = had === undefined ? tokens : Math.max(had, tokens);
      held += keep - (had ?? 0);
      units.set(key, keep);
    }
    if (held > bound) {
      for (const [key, tokens] of units) {
        if (held <= bound) break;
        units.delete(key);
        held -= tokens;
      }
    }
    this.held[i] = held;
  }

  /** Forgets replica i's record (its cache was lost: an outage). */
  clear(i: number): void {
    this.units[i].clear();
    this.held[i] = 0;
  }
}
