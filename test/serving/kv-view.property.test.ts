/**
 * Property: what kv_aware routing reads of a step replica mid-run (StepReplica.kvView,
 * src/scheduler/step-replica.ts) equals the definition computed from the step-by-step reference
 * replica's state at the same instant (test/serving/reference-kv-view.ts), on random request mixes
 * with prompts cut across steps (chunked prefill, sometimes vLLM's long_prefill_token_threshold),
 * KV-shortage preemption (small block pools), shared prefixes (hits, evictions), requests still
 * waiting, and swap preemption in a share of the mixes.
 *
 * Each request is routed to the replica as kv_aware does it: at its arrival the view is read
 * (before the request joins), and the overlap it found (routedHit) is booked with the request. The
 * reference computes its own overlap from its own cache at the same instant, so a wrong hit shows
 * up in the later views as well.
 *
 * Probe times, each compared exactly (blocks and tokens are integers):
 * - route: every arrival;
 * - inside a step: a random point of random reference steps, most of them decode steps that the
 *   production replica runs inside a coalesced stretch (no event of its own there);
 * - before: at each production event time, before the replica handles it (as an arrival at that
 *   instant sees it): the step ending then is still in progress, its results not landed;
 * - after: just after each production event (as a request the router dispatches then sees it):
 *   the next step has been scheduled and taken its blocks.
 * - boundary: at a reference step's end chosen at random, inside a production stretch or not. There
 *   the step that ends and the one that starts share the instant, and the stretch's closed-form
 *   times differ from the reference's step-by-step sums by float rounding (step-replica-equality's
 *   1e-9), which decides which of the two the production replica reads; either is accepted, and
 *   the probe must equal one of them exactly.
 * Instants are matched to the reference's step boundaries within that 1e-9 relative rounding.
 *
 * Not reached: requests queued at the router (no router here), and a partial prompt that a step
 * leaves out for lack of budget (first come first served keeps an admitted prompt's share of the
 * budget, as step-replica-equality shows for decodes), so breaking how kvView counts those goes
 * unseen.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_EVENT_ID } from "../../src/engine/event-queue.js";
import { Simulator } from "../../src/engine/simulator.js";
import type { PrefixRef } from "../../src/fleet/prefix-cache.js";
import {
  type ReferenceReplicaConfig,
  type ReferenceRequest,
  type ReferenceSpan,
  runReferenceReplica,
} from "../../src/fleet/reference-step-replica.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { emptyKvView, type KvView } from "../../src/scheduler/kv-cost.js";
import { RequestStore } from "../../src/scheduler/request-store.js";
import { StepReplica } from "../../src/scheduler/step-replica.js";
import { model, profile } from "../fleet/helpers.js";
import { referenceKvView } from "./reference-kv-view.js";
import { mixConfig } from "./step-mix.js";

const BASE = servingSetup(profile("nd-h100-v5"), model("llama-3.1-8b"));
const REL = 1e-9;
const near = (a: number, b: number) =>
  a === b ||
  (Number.isFinite(a) &&
    Number.isFinite(b) &&
    Math.abs(a - b) <= REL * Math.max(1, Math.abs(a), Math.abs(b)));

type Kind = "route" | "inside" | "before" | "after" | "boundary";

interface Probe {
  t: number;
  kind: Kind;
  /** route: the request routed. */
  id: number;
  ref: PrefixRef | null;
  prompt: number;
  /** The production replica's view, and whether it was inside a coalesced stretch then. */
  view: KvView;
  inStretch: boolean;
  /** Reference views matching the instant (boundary: the step ending then, the one starting then). */
  expected: KvView[];
}

/** A small deterministic stream for the probes' choices (mulberry32). */
function stream(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ARRIVAL = 0;
const REPLICA = 1;
const PROBE = 2;
const BEFORE = 3;

/**
 * Runs the production replica over `reqs` (ids in arrival order), routing each as kv_aware does,
 * and reads its view at every probe. `planned`: the inside and boundary probes.
 */
function runProduction(
  reqs: readonly ReferenceRequest[],
  cfg: ReferenceReplicaConfig,
  planned: Probe[],
  lookup: () => { ref: PrefixRef | null; prompt: number },
): Probe[] {
  const sim = new Simulator();
  const store = new RequestStore(16);
  const rep = new StepReplica(
    0,
    0,
    cfg,
    { prefillTokensPerS: 1, decodeTokensPerS: new Float64Array(2) },
    sim,
    store,
    Number.POSITIVE_INFINITY,
  );
  const probes: Probe[] = [];
  const read = (p: Omit<Probe, "view" | "inStretch" | "expected">) => {
    const view = emptyKvView();
    rep.kvView(p.ref, p.prompt, view);
    // the replica's mode (private), for coverage: 2 = a coalesced stretch of decode steps in progress
    const inStretch = (rep as unknown as { mode: number }).mode === 2;
    const probe = { ...p, view, inStretch, expected: [] };
    probes.push(probe);
    return probe;
  };
  for (const q of reqs) sim.schedule(q.arrival, ARRIVAL, q.id);
  planned.forEach((p, j) => {
    sim.schedule(p.t, PROBE, reqs.length + j);
  });
  sim.runSlice(
    Number.POSITIVE_INFINITY,
    {
      handle(kind, id) {
        if (kind === ARRIVAL) {
          const q = reqs[id]!;
          const r = store.alloc();
          store.arrival[r] = q.arrival;
          store.prompt[r] = q.promptTokens;
          store.output[r] = q.outputTokens;
          store.firstToken[r] = -1;
          store.spot[r] = 0;
          store.prefixRef[r] = q.prefix ?? null;
          const p = read({ t: sim.now, kind: "route", id, ref: q.prefix ?? null, prompt: q.promptTokens });
          // as the router books it (src/scheduler/router.ts kvAware)
          store.routedHit[r] = Math.min(q.promptTokens, p.view.hitBlocks * cfg.blockSize);
          rep.admit(r);
        } else if (kind === PROBE) {
          const p = planned[id - reqs.length]!;
          read({ ...p, t: sim.now });
          return;
        } else if (kind === BEFORE) {
          if (sim.now === rep.nextEvent) read({ t: sim.now, kind: "before", id: -1, ...lookup() });
          return;
        } else {
          if (sim.now !== rep.nextEvent) return; // superseded by a later reschedule
          rep.scheduledAt = Number.NaN;
          rep.step();
          for (let k = 0; k < rep.doneCount; k++) {
            rep.release(0, 0);
            store.release(rep.done[k]!);
          }
          read({ t: sim.now, kind: "after", id: -1, ...lookup() });
        }
        const t = rep.nextEvent;
        if (t !== Number.POSITIVE_INFINITY && t !== rep.scheduledAt) {
          rep.scheduledAt = t;
          // after arrivals and probes at the same time, which the step starting then sees
          sim.schedule(t, BEFORE, MAX_EVENT_ID - 1);
          sim.schedule(t, REPLICA, MAX_EVENT_ID);
        }
      },
    },
    Number.MAX_SAFE_INTEGER,
  );
  return probes;
}

/** Fills each probe's `expected` from the reference's spans. */
function readReference(
  reqs: readonly ReferenceRequest[],
  cfg: ReferenceReplicaConfig,
  probes: Probe[],
): void {
  const rank = (k: Kind) => (k === "route" ? 0 : 1);
  const order = [...probes].sort((a, b) => a.t - b.t || rank(a.kind) - rank(b.kind) || a.id - b.id);
  const routed = new Map<number, number>();
  let lo = 0;
  const observe = (span: ReferenceSpan) => {
    const { from, to } = span;
    while (lo < order.length && order[lo]!.t < from && !near(order[lo]!.t, from)) lo++;
    for (let k = lo; k < order.length; k++) {
      const p = order[k]!;
      if (p.t > to && !near(p.t, to)) break;
      const atStart = near(p.t, from);
      // the span holds over (from, to]; "after" reads the state of the step starting at its instant
      const inSpan = p.kind === "after" ? atStart || (!near(p.t, to) && p.t < to) : !atStart;
      if (!(inSpan || (p.kind === "boundary" && atStart))) continue;
      const arrived =
        p.kind === "route"
          ? (s: { req: ReferenceRequest }) =>
              s.req.arrival < p.t || (s.req.arrival === p.t && s.req.id < p.id)
          : (s: { req: ReferenceRequest }) => s.req.arrival <= p.t;
      const v = referenceKvView(span, arrived, (id) => routed.get(id)!, cfg.blockSize, p.ref, p.prompt);
      p.expected.push(v);
      if (p.kind === "route") routed.set(p.id, Math.min(p.prompt, v.hitBlocks * cfg.blockSize));
    }
  };
  runReferenceReplica(reqs, { ...cfg, observe });
}

const mix = fc
  .record({
    blockSize: fc.constantFrom(1, 4, 16, 32),
    maxNumSeqs: fc.integer({ min: 1, max: 24 }),
    budgetExtra: fc.integer({ min: 0, max: 2000 }),
    requests: fc.array(
      fc.record({
        /** Together, or apart by more than the 1e-9 that matches instants. */
        gap: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 0.3, noNaN: true })),
        prompt: fc.integer({ min: 1, max: 2000 }),
        output: fc.integer({ min: 1, max: 200 }),
        group: fc.integer({ min: 0, max: 7 }),
      }),
      { minLength: 1, maxLength: 24 },
    ),
    /** Blocks beyond the largest request's need: 0 forces preemptions. */
    spareBlocks: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 400 })),
    prefix: fc.option(
      fc.record({
        tokens: fc.integer({ min: 1, max: 1600 }),
        groups: fc.integer({ min: 1, max: 4 }),
        unit: fc.constantFrom(0, 0, 24, 64, 512),
      }),
      { freq: 3 },
    ),
    swap: fc.option(
      fc.record({
        hostKvBlocks: fc.option(fc.integer({ min: 0, max: 300 }), { freq: 2 }),
        bandwidth: fc.constantFrom(64e9, 2e9),
      }),
      { freq: 2 },
    ),
    threshold: fc.option(fc.constantFrom(7, 64, 256), { freq: 3 }),
    seed: fc.integer(),
  })
  .map(({ seed, ...d }) => ({ ...mixConfig(d, BASE), seed }));

const same = (a: KvView, b: KvView) =>
  a.pendingTokens === b.pendingTokens &&
  a.activeBlocks === b.activeBlocks &&
  a.hitBlocks === b.hitBlocks &&
  a.hitInUse === b.hitInUse;

describe("kv_aware's view of a step replica equals the reference's, mid-run", () => {
  it("at arrivals, inside steps and stretches, before and after events, and at step boundaries", () => {
    const seen = { route: 0, inside: 0, before: 0, after: 0, boundary: 0 };
    let inStretch = 0;
    let boundaryInStretch = 0;
    let overlapBooked = 0;
    let hitInUse = 0;
    let preempting = 0;
    let swapping = 0;
    fc.assert(
      fc.property(mix, ({ reqs, cfg, seed }) => {
        const rnd = stream(seed);
        // the reference's steps, to place probes in
        const steps: Array<[number, number]> = [];
        const run = runReferenceReplica(reqs, {
          ...cfg,
          observe: (s) => {
            if (s.stepping) steps.push([s.from, s.to]);
          },
        });
        // observing changes nothing the reference computes
        expect(runReferenceReplica(reqs, cfg)).toEqual(run);
        if (run.preemptions > 0) preempting++;
        if (run.swaps > 0) swapping++;
        const lookup = () => {
          const q = reqs[Math.floor(rnd() * reqs.length)]!;
          return { ref: q.prefix ?? null, prompt: q.promptTokens };
        };
        const planned: Probe[] = [];
        const plan = (t: number, kind: Kind) => {
          planned.push({ t, kind, id: -1, ...lookup(), view: emptyKvView(), inStretch: false, expected: [] });
        };
        for (let k = 0; k < 12; k++) {
          const [from, to] = steps[Math.floor(rnd() * steps.length)]!;
          plan(from + (0.02 + 0.96 * rnd()) * (to - from), "inside");
        }
        for (let k = 0; k < 4; k++) plan(steps[Math.floor(rnd() * steps.length)]![1], "boundary");
        const probes = runProduction(reqs, cfg, planned, lookup);
        readReference(reqs, cfg, probes);
        for (const p of probes) {
          seen[p.kind]++;
          if (p.inStretch) inStretch++;
          if (p.inStretch && p.kind === "boundary") boundaryInStretch++;
          if (p.view.hitInUse > 0) hitInUse++;
          if (p.kind === "route" && p.view.hitBlocks > 0) overlapBooked++;
          const ok = p.kind === "boundary" ? p.expected.length >= 1 : p.expected.length === 1;
          if (!ok || !p.expected.some((e) => same(e, p.view))) {
            throw new Error(
              `${p.kind} probe at t=${p.t}${p.inStretch ? " (in a stretch)" : ""}: production ${JSON.stringify(p.view)}, reference ${JSON.stringify(p.expected)}`,
            );
          }
        }
      }),
      { numRuns: 150, seed: 20270301 },
    );
    // the probes did reach every kind of instant and state
    expect(inStretch).toBeGreaterThan(100);
    expect(boundaryInStretch).toBeGreaterThan(20);
    expect(overlapBooked).toBeGreaterThan(50);
    expect(hitInUse).toBeGreaterThan(50);
    expect(preempting).toBeGreaterThan(10);
    expect(swapping).toBeGreaterThan(5);
  });
});
