/**
 * Drives one production StepReplica over a list of requests as the reference replica takes them
 * (each joins the replica's waiting line at its arrival), on the engine's simulator, and reports
 * the same figures as runReferenceReplica, plus invariant checks made after every event.
 */
import { MAX_EVENT_ID } from "../../src/engine/event-queue.js";
import { Simulator } from "../../src/engine/simulator.js";
import type { ReferenceReplicaConfig, ReferenceRequest } from "../../src/fleet/reference-step-replica.js";
import { RequestStore } from "../../src/scheduler/request-store.js";
import { StepReplica } from "../../src/scheduler/step-replica.js";

export interface FastRequestResult {
  id: number;
  firstTokenAt: number;
  finishAt: number;
  finishes: number;
}

export interface FastRunResult {
  requests: FastRequestResult[];
  preemptions: number;
  preemptionsById: Map<number, number>;
  events: number;
  peakBlocks: number;
  blocksAtEnd: number;
  /** Invariant breaches seen after events (empty when none). */
  breaches: string[];
  tokensProduced: number;
}

const ARRIVAL = 0;
const REPLICA = 1;

export function runFastReplica(
  requests: readonly ReferenceRequest[],
  cfg: ReferenceReplicaConfig,
): FastRunResult {
  const sim = new Simulator();
  const store = new RequestStore(16);
  const rep = new StepReplica(
    0,
    0,
    {
      stepModel: cfg.stepModel,
      kvBlocks: cfg.kvBlocks,
      blockSize: cfg.blockSize,
      maxNumBatchedTokens: cfg.maxNumBatchedTokens,
      maxNumSeqs: cfg.maxNumSeqs,
    },
    { prefillTokensPerS: 1, decodeTokensPerS: new Float64Array(2) },
    sim,
    store,
    Number.POSITIVE_INFINITY,
  );
  const order = [...requests].sort((a, b) => a.arrival - b.arrival || a.id - b.id);
  const slotOf = new Map<number, number>();
  const idOf = new Map<number, number>();
  const results = new Map<number, FastRequestResult>();
  const preemptionsById = new Map<number, number>();
  for (const q of order) {
    results.set(q.id, { id: q.id, firstTokenAt: Number.NaN, finishAt: Number.NaN, finishes: 0 });
    sim.schedule(q.arrival, ARRIVAL, q.id);
  }
  const byId = new Map(order.map((q) => [q.id, q]));
  const breaches: string[] = [];
  let peakBlocks = 0;
  let tokensProduced = 0;
  const ensure = () => {
    const t = rep.nextEvent;
    if (t !== Number.POSITIVE_INFINITY && t !== rep.scheduledAt) {
      rep.scheduledAt = t;
      sim.schedule(t, REPLICA, MAX_EVENT_ID); // after arrivals at the same time (ties pop by id)
    }
  };
  const check = () => {
    const b = rep.blocksInUse;
    if (b < 0 || b > cfg.kvBlocks) breaches.push(`blocks in use ${b} of ${cfg.kvBlocks} at ${sim.now}`);
    if (b > peakBlocks) peakBlocks = b;
  };
  sim.runSlice(
    Number.POSITIVE_INFINITY,
    {
      handle(kind, id) {
        if (kind === ARRIVAL) {
          const q = byId.get(id)!;
          const r = store.alloc();
          slotOf.set(id, r);
          idOf.set(r, id);
          store.arrival[r] = q.arrival;
          store.prompt[r] = q.promptTokens;
          store.output[r] = q.outputTokens;
          store.firstToken[r] = -1;
          store.spot[r] = 0;
          rep.admit(r);
        } else {
          if (sim.now !== rep.nextEvent) return;
          rep.scheduledAt = Number.NaN;
          rep.step();
          for (let k = 0; k < rep.preemptedCount; k++) {
            const qid = idOf.get(rep.preempted[k])!;
            preemptionsById.set(qid, (preemptionsById.get(qid) ?? 0) + 1);
          }
          for (let k = 0; k < rep.doneCount; k++) {
            const r = rep.done[k];
            const res = results.get(idOf.get(r)!)!;
            res.firstTokenAt = store.firstToken[r];
            res.finishAt = sim.now;
            res.finishes++;
            tokensProduced += store.output[r];
            rep.release(0, store.spot[r]);
            store.release(r);
          }
        }
        check();
        ensure();
      },
    },
    Number.MAX_SAFE_INTEGER,
  );
  return {
    requests: order.map((q) => results.get(q.id)!),
    preemptions: rep.preemptionsTotal,
    preemptionsById,
    events: sim.events,
    peakBlocks,
    blocksAtEnd: rep.blocksInUse,
    breaches,
    tokensProduced,
  };
}
