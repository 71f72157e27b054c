/**
 * Automatic prefix caching as vLLM V1's KV cache manager does it (docs/service-model.md "Prefix
 * caching"): a FULL block of prompt tokens has a key that names its content and everything before
 * it; a request admitted with its computed tokens at 0 looks its leading full blocks up, reuses the
 * run of blocks found (reference-counted: in use by running requests, or free but still cached),
 * and computes only what follows. Blocks are registered under their key when the step that fills
 * them is scheduled (as vLLM caches blocks in allocate_slots), so a request admitted later in the
 * same step can already hit them.
 *
 * Free blocks form ONE queue, least recently freed first (vLLM's free block queue): a new block is
 * taken from its head, and if that block is still cached it is evicted then. A request's blocks go
 * to the tail when it finishes or is preempted, its last blocks first (so they are evicted first).
 * Blocks never cached are interchangeable, so the queue keeps them as counted runs.
 *
 * Simplifications (docs/service-model.md): only blocks of a declared prefix are keyed (a preempted
 * request does not re-use its own generated or unshared tokens); a block filled while another block
 * with the same key is cached stays private (vLLM would keep both under the key); the hit stops one
 * token short of the whole prompt, as vLLM's (the last token is computed again to sample from it).
 *
 * Used by the production step replica and by the step-by-step reference alike.
 */
import { blocksFor } from "./kv-blocks.js";

/** What a request's prompt shares: `tokens` leading tokens, in units of `unitTokens` named by keys. */
export interface PrefixRef {
  /**
   * One key per unit, unique within a run for that unit's content AND everything before it (a
   * trace's prefix-block hash ids are; a synthetic group prefix is one unit).
   */
  readonly unitKeys: ArrayLike<number>;
  /** Tokens per unit (the trace's block size; a synthetic prefix is one unit of its length). */
  readonly unitTokens: number;
  /** Tokens the prefix covers (the prompt may be shorter: then the prompt's tokens). */
  readonly tokens: number;
}

/**
 * Most blocks a prefix may have: the block index part of a key (2^24 blocks hold the longest prompt,
 * 10 M tokens, at block size 1; unit keys stay below 2^29, so keys stay below 2^53).
 */
export const MAX_PREFIX_BLOCKS = 2 ** 24;

/** Full blocks of a prompt of `prompt` tokens that are prefix content. */
export function prefixBlocks(ref: PrefixRef, prompt: number, blockSize: number): number {
  return Math.floor(Math.min(ref.tokens, prompt) / blockSize);
}

function blockKey(ref: PrefixRef, j: number, blockSize: number): number {
  const unit = Math.floor(((j + 1) * blockSize - 1) / ref.unitTokens);
  return ref.unitKeys[unit]! * MAX_PREFIX_BLOCKS + j;
}

/** A cached block. */
export interface CachedBlock {
  readonly key: number;
  /** Requests holding it. */
  refs: number;
  /** Its place in the free queue while refs is 0. */
  node: QueueNode | null;
  /** Set to the cache's current mark when a pending take will evict it (lookupAfterTaking). */
  doomed: number;
}

interface QueueNode {
  prev: QueueNode | null;
  next: QueueNode | null;
  /** A cached block, or null for a run of `count` uncached blocks. */
  block: CachedBlock | null;
  count: number;
}

/** A lookup's result: the blocks hit and how many of them are free (must be taken from the queue). */
export interface PrefixHit {
  blocks: CachedBlock[];
  count: number;
  free: number;
}

export class PrefixCache {
  private readonly byKey = new Map<number, CachedBlock>();
  private mark = 0;
  private head: QueueNode | null = null;
  private tail: QueueNode | null = null;
  private freeBlocks = 0;
  /** Cached blocks evicted to make room, over the cache's life. */
  evictions = 0;

  /** `free`: the replica's free blocks now (none of them cached). */
  constructor(free: number) {
    this.freeAnonymous(free);
  }

  /** Free blocks (cached or not): must equal the pool's. */
  get free(): number {
    return this.freeBlocks;
  }

  /** Cached blocks (in use or free). */
  get size(): number {
    return this.byKey.size;
  }

  /**
   * The leading blocks of a request's prompt found cached, at most up to one token short of its
   * `known` tokens (prompt + tokens generated before a preemption). Fills `out`; changes nothing.
   */
  lookup(ref: PrefixRef, prompt: number, known: number, blockSize: number, out: PrefixHit): void {
    const max = Math.min(prefixBlocks(ref, prompt, blockSize), Math.floor((known - 1) / blockSize));
    out.count = 0;
    out.free = 0;
    for (let j = 0; j < max; j++) {
      const b = this.byKey.get(blockKey(ref, j, blockSize));
      if (b === undefined) break;
      out.blocks[out.count++] = b;
      if (b.refs === 0) out.free++;
    }
  }

  /**
   * lookup as it will find the cache once `taken` more blocks are taken from the free queue's
   * head (the cached ones among them evicted). Changes nothing.
   */
  lookupAfterTaking(
    taken: number,
    ref: PrefixRef,
    prompt: number,
    known: number,
    blockSize: number,
    out: PrefixHit,
  ): void {
    if (taken <= 0) {
      this.lookup(ref, prompt, known, blockSize, out);
      return;
    }
    const mark = ++this.mark;
    let n = taken;
    for (let node = this.head; node !== null && n > 0; node = node.next) {
      if (node.block === null) n -= node.count;
      else {
        node.block.doomed = mark;
        n--;
      }
    }
    this.lookup(ref, prompt, known, blockSize, out);
    for (let i = 0; i < out.count; i++) {
      if (out.blocks[i]!.doomed === mark) {
        out.count = i;
        break;
      }
    }
    out.free = 0;
    for (let i = 0; i < out.count; i++) if (out.blocks[i]!.refs === 0) out.free++;
  }

  /**
   * Free blocks ahead of the first free block of `hit` in the free queue (what can be taken before
   * the hit shrinks), counting at most up to `limit`.
   */
  blocksBeforeHit(hit: PrefixHit, limit: number): number {
    const mark = ++this.mark;
    for (let i = 0; i < hit.count; i++) hit.blocks[i]!.doomed = mark;
    let n = 0;
    for (let node = this.head; node !== null && n < limit; node = node.next) {
      if (node.block === null) n += node.count;
      else if (node.block.doomed === mark) return n;
      else n++;
    }
    return Math.min(n, limit);
  }

  /** Takes a looked-up hit: each block gains a holder (`held` records them, in order). */
  acquire(hit: PrefixHit, held: CachedBlock[]): void {
    for (let i = 0; i < hit.count; i++) {
      const b = hit.blocks[i]!;
      if (b.refs === 0) {
        this.unlink(b.node!);
        this.freeBlocks--;
      }
      b.node = null;
      b.refs++;
      held.push(b);
    }
  }

  /** Takes `n` blocks from the head of the free queue, evicting the cached ones among them. */
  take(n: number): void {
    if (n <= 0) return;
    if (n > this.freeBlocks) throw new Error(`taking ${n} KV blocks but only ${this.freeBlocks} are free`);
    this.freeBlocks -= n;
    while (n > 0) {
      const node = this.head!;
      if (node.block === null) {
        const k = Math.min(n, node.count);
        node.count -= k;
        n -= k;
        if (node.count === 0) this.unlink(node);
      } else {
        this.byKey.delete(node.block.key);
        node.block.node = null;
        this.evictions++;
        this.unlink(node);
        n--;
      }
    }
  }

  /**
   * Registers the prefix blocks among blocks [from, to) of a request (full once the step scheduled
   * now ends) whose keys are not cached yet; the request holds them (`held`).
   */
  register(
    ref: PrefixRef,
    prompt: number,
    blockSize: number,
    from: number,
    to: number,
    held: CachedBlock[],
  ): void {
    const end = Math.min(to, prefixBlocks(ref, prompt, blockSize));
    for (let j = from; j < end; j++) {
      const key = blockKey(ref, j, blockSize);
      if (this.byKey.has(key)) continue;
      const b: CachedBlock = { key, refs: 1, node: null, doomed: 0 };
      this.byKey.set(key, b);
      held.push(b);
    }
  }

  /**
   * A request gives back its blocks: `blocks` in all, `held` of them cached. Its uncached blocks
   * go to the free queue's tail, then its cached ones that no one else holds, last first.
   * Returns the blocks that became free. Empties `held`.
   */
  release(blocks: number, held: CachedBlock[]): number {
    const own = blocks - held.length;
    this.freeAnonymous(own);
    let freed = own;
    for (let i = held.length - 1; i >= 0; i--) {
      const b = held[i]!;
      b.refs--;
      if (b.refs === 0) {
        const node: QueueNode = { prev: null, next: null, block: b, count: 1 };
        b.node = node;
        this.append(node);
        this.freeBlocks++;
        freed++;
      }
    }
    held.length = 0;
    return freed;
  }

  /** Blocks that became free without a request (never cached). */
  freeAnonymous(n: number): void {
    if (n <= 0) return;
    this.freeBlocks += n;
    const t = this.tail;
    if (t !== null && t.block === null) t.count += n;
    else this.append({ prev: null, next: null, block: null, count: n });
  }

  private append(node: QueueNode): void {
    node.prev = this.tail;
    node.next = null;
    if (this.tail !== null) this.tail.next = node;
    else this.head = node;
    this.tail = node;
  }

  private unlink(node: QueueNode): void {
    if (node.prev !== null) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next !== null) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = null;
    node.next = null;
  }
}

/** A hit buffer for PrefixCache.lookup. */
export function emptyHit(): PrefixHit {
  return { blocks: [], count: 0, free: 0 };
}

/** New blocks a request admitted after a hit of `hit` blocks needs to compute up to `tokens`. */
export function blocksAfterHit(tokens: number, hit: number, blockSize: number): number {
  return blocksFor(tokens, blockSize) - hit;
}

/**
 * Prompt tokens a request finds cached in the steady state of a shared prefix of `prefixTokens`
 * tokens, for a prompt of `prompt` tokens: every full block of the prefix, up to one token short
 * of the prompt (what PrefixCache.lookup returns once the prefix is cached and stays so).
 */
export function steadyPrefixHitTokens(prefixTokens: number, prompt: number, blockSize: number): number {
  if (!(prompt > 1)) return 0;
  return blockSize * Math.floor(Math.min(prefixTokens, prompt - 1) / blockSize);
}
