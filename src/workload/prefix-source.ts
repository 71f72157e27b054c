/**
 * A synthetic workload's shared prompt prefix (workload `prefix: { tokens, groups }`): every
 * request's prompt starts with one of `groups` prefixes of `tokens` tokens, the group drawn
 * uniformly from the workload's own seeded stream (none drawn when there is one group: a fixed
 * system prompt). Wraps the workload's source and tags each request it yields.
 */
import type { RandomStream } from "../engine/random.js";
import type { PrefixSpec } from "../scenario/types.js";
import type { RequestDraw, RequestSource, SharedPrefix } from "./source.js";

/** Keys name prefix content; unique within the process, so two workloads never share a prefix. */
let nextUnitKey = 1;
/** Keys stay below 2^29 (src/fleet/prefix-cache.ts combines them with a block index below 2^24). */
const MAX_UNIT_KEY = 2 ** 29;

/** A fresh key for a unit of prefix content no other unit shares. */
export function newPrefixUnitKey(): number {
  // wrap around long before the limit matters: keys only need to differ within one run
  if (nextUnitKey >= MAX_UNIT_KEY) nextUnitKey = 1;
  return nextUnitKey++;
}

export class PrefixSource implements RequestSource {
  private readonly prefixes: SharedPrefix[];

  constructor(
    private readonly inner: RequestSource,
    spec: PrefixSpec,
    private readonly groupDraws: RandomStream,
  ) {
    this.prefixes = Array.from({ length: spec.groups }, () => ({
      unitKeys: [newPrefixUnitKey()],
      unitTokens: spec.tokens,
      tokens: spec.tokens,
    }));
  }

  get needsRefill(): boolean {
    return this.inner.needsRefill;
  }

  next(out: RequestDraw): boolean {
    if (!this.inner.next(out)) return false;
    const n = this.prefixes.length;
    out.prefix = this.prefixes[n === 1 ? 0 : Math.floor(this.groupDraws.next() * n)]!;
    return true;
  }

  refill(): Promise<void> {
    return this.inner.refill();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
