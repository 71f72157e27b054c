/**
 * The KV view kv_aware routing reads of a replica (src/scheduler/kv-cost.ts), computed the obvious
 * way from the step-by-step reference replica's state at a time t (src/fleet/reference-step-replica.ts,
 * its `observe` spans). It is the definition the production StepReplica.kvView must meet, taken from
 * NVIDIA Dynamo's KV router as docs/service-model.md "KV-aware routing" describes it, not a copy of
 * the production arithmetic:
 *
 * - pendingTokens (Dynamo: the worker's active prompt load, the prefill tokens it has still to
 *   compute): for every request on the replica at t (running, waiting, or arrived by t), the tokens
 *   it must still run through the model before it can decode, known tokens (prompt + generated)
 *   less those whose KV it holds; a step's chunk is computed only when the step ends, so a prompt
 *   in the step in progress still counts. A request whose next work is a decode (one token left,
 *   having generated: running decodes, and one swapped out mid-decode) has no prefill left. A
 *   request never admitted yet counts its prompt less the overlap the router saw when it sent it
 *   here (its routedHit), as Dynamo books a routed request until the worker reports its prefill.
 * - activeBlocks (Dynamo: the worker's active blocks, in use or due): the KV blocks allocated on the
 *   replica at t (a step takes the blocks for the tokens it computes when it starts, so those of
 *   the step in progress count), plus for every request there the blocks its known tokens need
 *   beyond the device blocks it holds (a swapped-out or recomputed request holds none), less for
 *   one never admitted the overlap's blocks. A decode's next token beyond the step in progress is
 *   not yet known, so it is not counted.
 * - hitBlocks: the leading blocks of the probed prompt found in the replica's prefix cache at t, as
 *   its scheduler would look them up admitting it then (one token short of the prompt, as vLLM).
 * - hitInUse: of those, the blocks requests hold (reference count > 0): they take no new block.
 */
import { blocksFor } from "../../src/fleet/kv-blocks.js";
import { emptyHit, type PrefixRef } from "../../src/fleet/prefix-cache.js";
import type { ReferenceRequestState, ReferenceSpan } from "../../src/fleet/reference-step-replica.js";
import type { KvView } from "../../src/scheduler/kv-cost.js";

/**
 * The view at time t in `span` (t in its (from, to]; or at `from` for the state just after the step
 * starting then was scheduled). `routedHit(id)`: the overlap seen when request id was routed.
 * `arrivedBefore(s)`: whether an arrival the scheduler has not seen yet is on the replica at t.
 */
export function referenceKvView(
  span: ReferenceSpan,
  arrivedBefore: (s: ReferenceRequestState) => boolean,
  routedHit: (id: number) => number,
  blockSize: number,
  ref: PrefixRef | null,
  prompt: number,
): KvView {
  let pendingTokens = 0;
  let activeBlocks = span.blocksInUse;
  const count = (s: ReferenceRequestState) => {
    const known = s.req.promptTokens + s.generated;
    const overlap = s.cachedPrompt < 0 ? routedHit(s.req.id) : 0;
    const decodeNext = s.generated > 0 && known - s.computed === 1;
    if (!decodeNext) pendingTokens += known - s.computed - overlap;
    activeBlocks += blocksFor(known, blockSize) - s.blocks - Math.floor(overlap / blockSize);
  };
  for (const s of span.running) count(s);
  for (const s of span.waiting) count(s);
  for (let k = span.unseen; k < span.arrivals.length && arrivedBefore(span.arrivals[k]!); k++) {
    count(span.arrivals[k]!);
  }
  let hitBlocks = 0;
  let hitInUse = 0;
  if (ref !== null) {
    const hit = emptyHit();
    span.cache.lookup(ref, prompt, prompt, blockSize, hit);
    hitBlocks = hit.count;
    hitInUse = hit.count - hit.free;
  }
  return { pendingTokens, activeBlocks, hitBlocks, hitInUse };
}
