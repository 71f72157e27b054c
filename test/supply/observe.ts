/**
 * Test support: looks inside a run through spies on the router and the replicas (src/ is not
 * changed). The router's replicas and request store are private fields, read here by name.
 */
import { vi } from "vitest";
import type { Clock } from "../../src/engine/simulator.js";
import type { Replica } from "../../src/scheduler/replica.js";
import type { RequestStore } from "../../src/scheduler/request-store.js";
import { Router } from "../../src/scheduler/router.js";

interface RouterInside {
  /** By replica index; null for the groups of the fleet's other parts (not built by this run). */
  replicas: Array<Replica | null>;
  req: RequestStore;
}

export const inside = (router: Router) => router as unknown as RouterInside;

/** The replicas the router can route to in this run (one part's, or all), in index order. */
export const builtReplicas = (router: Router) =>
  inside(router).replicas.filter((rep): rep is Replica => rep !== null);

/** The run's simulated time, as the router's replicas read it (their private `clock`). */
export const timeOf = (router: Router) => (builtReplicas(router)[0] as unknown as { clock: Clock }).clock.now;

/** A replica as the router saw it just before a request was routed. */
export interface ReplicaView {
  index: number;
  group: number;
  available: boolean;
  load: number;
  held: number;
  queued: number;
  maxBatch: number;
  prefillRate: number;
  decode: Float64Array;
}

/**
 * One routing decision: the replicas of the run before it (those it built: a part's run builds its
 * own), the request's prompt, and the index of the replica it went to (-1: none).
 */
export interface Decision {
  time: number;
  prompt: number;
  before: ReplicaView[];
  chosen: number;
}

/** The chosen replica as it was before the decision. */
export function chosenView(d: Decision): ReplicaView {
  const v = d.before.find((x) => x.index === d.chosen);
  if (v === undefined) throw new Error(`replica ${d.chosen} is not one this run built`);
  return v;
}

function view(rep: Replica): ReplicaView {
  return {
    index: rep.index,
    group: rep.group,
    available: rep.present && rep.alive && !rep.draining,
    load: rep.load,
    held: rep.held,
    queued: rep.queue.size,
    maxBatch: rep.maxBatch,
    prefillRate: rep.prefillRate,
    decode: rep.decode,
  };
}

/** Runs `body` recording every call of Router.place (every arrival routed, every fallback tried). */
export async function recordDecisions<T>(
  body: () => Promise<T>,
): Promise<{ result: T; decisions: Decision[] }> {
  const place = Router.prototype.place;
  const decisions: Decision[] = [];
  const spy = vi.spyOn(Router.prototype, "place").mockImplementation(function (this: Router, cls, r, slo) {
    const { req } = inside(this);
    const t = timeOf(this);
    const before = builtReplicas(this).map(view);
    const res = place.call(this, cls, r, slo);
    // The router writes the replica a request was placed or queued on; shared_queue leaves -1.
    decisions.push({ time: t, prompt: req.prompt[r], before, chosen: req.replica[r] });
    return res;
  });
  try {
    const result = await body();
    return { result, decisions };
  } finally {
    spy.mockRestore();
  }
}

/**
 * Mean over decisions of the spread of load between the most and the least loaded replica present.
 * Arrivals are Poisson, so this is the time average of the spread (PASTA).
 */
export function meanLoadSpread(decisions: Decision[]): number {
  let sum = 0;
  for (const d of decisions) {
    const loads = d.before.filter((v) => v.available).map((v) => v.load);
    sum += Math.max(...loads) - Math.min(...loads);
  }
  return sum / decisions.length;
}
