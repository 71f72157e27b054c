/**
 * Replays a list of requests, each arriving at its own time, on ONE step replica (the production
 * StepReplica, driven by the event engine): what a single vLLM server given the same requests would
 * do under the step model. Used by `fleetsim calibrate` to compare a profile with measurements, and
 * by the tests that prove the replica equal to the step-by-step reference.
 */
import { MAX_EVENT_ID } from "../engine/event-queue.js";
import { Simulator } from "../engine/simulator.js";
import type { PrefixRef } from "../fleet/prefix-cache.js";
import type { StepServing } from "../fleet/step-curve.js";
import { RequestStore } from "../scheduler/request-store.js";
import { StepReplica } from "../scheduler/step-replica.js";

export interface ReplayRequest {
  arrivalS: number;
  promptTokens: number;
  /** Tokens to generate (>= 1). */
  outputTokens: number;
  /** The prefix its prompt shares with others (prefix caching). */
  prefix?: PrefixRef;
}

export interface ReplayResult {
  /** Per request, in the order given: first-token and finish times (s), times finished. */
  firstTokenS: Float64Array;
  finishS: Float64Array;
  finishes: Int32Array;
  /** KV-shortage preemptions per request. */
  preemptions: Int32Array;
  /** Of those, the ones that swapped it out to host memory. */
  swaps: Int32Array;
  /** Prompt tokens found cached per request. */
  cachedPromptTokens: Int32Array;
  events: number;
}

export interface ReplayHooks {
  /** Called after every event with the replica (invariant checks). */
  afterEvent?: (replica: StepReplica, now: number) => void;
}

const ARRIVAL = 0;
const REPLICA = 1;

export function replayStepReplica(
  requests: readonly ReplayRequest[],
  serving: StepServing,
  hooks: ReplayHooks = {},
): ReplayResult {
  const n = requests.length;
  const sim = new Simulator();
  const store = new RequestStore(16);
  // Every request is taken into the replica's own line at its arrival (no router in front).
  const rep = new StepReplica(
    0,
    0,
    serving,
    { prefillTokensPerS: 1, decodeTokensPerS: new Float64Array(2) },
    sim,
    store,
    Number.POSITIVE_INFINITY,
  );
  const out: ReplayResult = {
    firstTokenS: new Float64Array(n).fill(Number.NaN),
    finishS: new Float64Array(n).fill(Number.NaN),
    finishes: new Int32Array(n),
    preemptions: new Int32Array(n),
    swaps: new Int32Array(n),
    cachedPromptTokens: new Int32Array(n),
    events: 0,
  };
  const indexOf = new Int32Array(Math.max(16, n));
  for (let i = 0; i < n; i++) {
    const q = requests[i]!;
    if (!(q.outputTokens >= 1) || !(q.promptTokens >= 1)) {
      throw new Error(`request ${i}: needs at least one prompt and one output token`);
    }
    sim.schedule(q.arrivalS, ARRIVAL, i);
  }
  sim.runSlice(
    Number.POSITIVE_INFINITY,
    {
      handle(kind, id) {
        if (kind === ARRIVAL) {
          const q = requests[id]!;
          const r = store.alloc();
          if (r >= indexOf.length) throw new Error("request store grew past the replay's index");
          indexOf[r] = id;
          store.arrival[r] = q.arrivalS;
          store.prompt[r] = q.promptTokens;
          store.output[r] = q.outputTokens;
          store.firstToken[r] = -1;
          store.spot[r] = 0;
          store.prefixRef[r] = q.prefix ?? null;
          rep.admit(r);
        } else {
          if (sim.now !== rep.nextEvent) return; // superseded by a later reschedule
          rep.scheduledAt = Number.NaN;
          rep.step();
          for (let k = 0; k < rep.preemptedCount; k++) {
            const i = indexOf[rep.preempted[k]];
            out.preemptions[i]++;
            out.swaps[i] += rep.preemptedSwapped[k];
          }
          for (let k = 0; k < rep.doneCount; k++) {
            const r = rep.done[k];
            const i = indexOf[r];
            out.firstTokenS[i] = store.firstToken[r];
            out.finishS[i] = sim.now;
            out.finishes[i]++;
            out.cachedPromptTokens[i] = store.cachedPrompt[r];
            rep.release(0, 0);
            store.release(r);
          }
        }
        hooks.afterEvent?.(rep, sim.now);
        const t = rep.nextEvent;
        if (t !== Number.POSITIVE_INFINITY && t !== rep.scheduledAt) {
          rep.scheduledAt = t;
          // after arrivals at the same time, which join the step starting then (ties pop by id)
          sim.schedule(t, REPLICA, MAX_EVENT_ID);
        }
      },
    },
    Number.MAX_SAFE_INTEGER,
  );
  out.events = sim.events;
  return out;
}
