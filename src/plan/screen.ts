/**
 * The planner's cheap screen of one model's node counts: analytic, microseconds per candidate.
 * Over the horizon (every report interval, or 15 min when shorter) it checks, with the demand of
 * the model's workloads at that time (diurnal shape, growth, demand events) and the slots' nodes in
 * service (outages to survive taken out):
 *  1. capacity: every set of workloads fits on the slots it may use (Hall's condition over the
 *     residency classes), a replica carrying at most the rate at which the operating point's MEAN
 *     TTFT and TPOT reach the strictest targets (capacity/headroom.ts);
 *  2. queueing for a batch slot (Erlang C over the model's replicas x batch slots, service time the
 *     time a request is held): the p99 wait for a slot plus the prefill within the TTFT target.
 * Means below a p99 target are necessary, not sufficient: the screen is optimistic on purpose, and
 * the request-level confirmation decides. A candidate it passes may fail there; one it fails would
 * fail there too (up to the noise of a finite run).
 */
import { maxPerReplicaRateWithinSlo } from "../capacity/headroom.js";
import { planRun, type RunPlan } from "../contract/plan.js";
import { eligible } from "../contract/routes.js";
import { emptyOperatingPoint, solveOperatingPoint } from "../fleet/operating-point.js";
import { replicasPerNodes } from "../fleet/placement.js";
import type { ServiceCurve } from "../fleet/service-model.js";
import type { Scenario } from "../scenario/types.js";
import { MultiplierSchedule } from "../workload/multiplier-schedule.js";
import { RateProfile } from "../workload/rate-profile.js";
import { erlangCWaitQuantile } from "./erlang-c.js";
import { type FleetSpace, fleetScenario } from "./fleet-space.js";

const MAX_SAMPLE_S = 900;
/** The screen's tail: the 99th percentile of the wait for a batch slot. */
const TAIL = 0.99;

interface SlotModel {
  slot: number;
  curve: ServiceCurve;
  /** Availability (0..1) of the slot's nodes at each sample time. */
  up: Float64Array;
}

export interface ModelScreen {
  model: string;
  slots: SlotModel[];
  /** Demand at each sample time per residency class (requests/s). */
  demand: Float64Array[];
  /** Bit mask over `slots` each class may use. */
  classMask: number[];
  times: number[];
  promptTokens: number;
  outputTokens: number;
  ttftS: number;
  tpotS: number;
}

export interface ScreenVerdict {
  ok: boolean;
  /** Why not: the constraint that binds, in words. */
  reason: string;
  /** Estimated p99 TTFT at the busiest sample (s) and its mean TPOT (ms). */
  ttftP99S: number;
  tpotMs: number;
}

/** The screens of every model the plan sizes, from the fleet with every slot at its maximum. */
export async function modelScreens(space: FleetSpace): Promise<Map<string, ModelScreen>> {
  const full = fleetScenario(
    space,
    space.slots.map((s) => Math.max(1, s.range.max)),
  );
  const run = await planRun(full);
  const out = new Map<string, ModelScreen>();
  for (const [model, slotIdx] of space.slotsByModel)
    out.set(model, modelScreen(space, full, run, model, slotIdx));
  return out;
}

function modelScreen(
  space: FleetSpace,
  s: Scenario,
  run: RunPlan,
  model: string,
  slotIdx: number[],
): ModelScreen {
  const step = Math.min(s.reportInterval, MAX_SAMPLE_S);
  const times: number[] = [];
  for (let t = step / 2; t < s.horizon; t += step) times.push(t);
  if (times.length === 0) times.push(0);
  const mi = s.models.findIndex((m) => m.id === model);
  const slots: SlotModel[] = slotIdx.map((si) => {
    const slot = space.slots[si];
    const g = run.topology.groups.find((x) => x.pool.id === slot.pool && x.modelIndex === mi);
    if (!g) throw new Error(`no replica group for ${slot.pool} x ${model}`);
    const up = Float64Array.from(times, (t) => availability(s, slot.pool, model, t));
    return { slot: si, curve: g.curve, up };
  });
  const classes = new Map<number, Float64Array>();
  let P = 0;
  let O = 0;
  let weight = 0;
  run.flat.forEach(({ t: tenant, w, ctx }, i) => {
    if (w.model !== model) return;
    let mask = 0;
    slotIdx.forEach((si, k) => {
      const slot = space.slots[si];
      const pool = s.fleet.pools.find((p) => p.id === slot.pool);
      if (pool && eligible({ pool, modelIndex: mi }, mi, tenant, w.region)) mask |= 1 << k;
    });
    const rate = rateAt(
      w.arrival,
      ctx.startMs,
      ctx.multipliers,
      run.estimates[i].expectedRequests / s.horizon,
    );
    const d = classes.get(mask) ?? new Float64Array(times.length);
    times.forEach((t, k) => {
      d[k] += rate(t);
    });
    classes.set(mask, d);
    const e = run.estimates[i];
    P += e.meanPromptTokens * e.expectedRequests;
    O += e.meanOutputTokens * e.expectedRequests;
    weight += e.expectedRequests;
  });
  let ttftS = Number.POSITIVE_INFINITY;
  let tpotS = Number.POSITIVE_INFINITY;
  for (const t of space.plan.targets) {
    if (t.model !== model) continue;
    if (t.ttftP99S !== null) ttftS = Math.min(ttftS, t.ttftP99S);
    if (t.tpotP99Ms !== null) tpotS = Math.min(tpotS, t.tpotP99Ms / 1000);
  }
  return {
    model,
    slots,
    demand: [...classes.values()],
    classMask: [...classes.keys()],
    times,
    promptTokens: weight > 0 ? P / weight : 0,
    outputTokens: weight > 0 ? O / weight : 0,
    ttftS,
    tpotS,
  };
}

/** The arrival rate of a workload at time t (traces: their mean rate). */
function rateAt(
  a: Scenario["tenants"][number]["workloads"][number]["arrival"],
  startMs: number,
  multipliers: ConstructorParameters<typeof MultiplierSchedule>[0],
  meanRate: number,
): (t: number) => number {
  if (a.process === "trace") return () => meanRate;
  const profile = new RateProfile(a, startMs);
  const schedule = new MultiplierSchedule(multipliers);
  const onFraction = a.process === "mmpp" && a.offMean > 0 ? a.onMean / (a.onMean + a.offMean) : 1;
  return (t) => profile.rate(t) * schedule.factorAt(t) * onFraction;
}

/** Share of a slot's nodes in service at t (pool and model outages, the plan's included). */
function availability(s: Scenario, pool: string, model: string, t: number): number {
  let up = 1;
  for (const e of s.events) {
    if (t < e.at) continue;
    if (e.type === "pool_outage" && e.pool === pool && t < e.at + e.duration) up *= 1 - e.fraction;
    if (e.type === "model_outage" && e.model === model && t < e.at + e.duration) up = 0;
  }
  return up;
}

/** Screens one model's node counts (`nodes`: one per slot of the model, in `screen.slots` order). */
export function screenModel(space: FleetSpace, m: ModelScreen, nodes: readonly number[]): ScreenVerdict {
  const P = m.promptTokens;
  const O = m.outputTokens;
  const n = m.slots.length;
  const replicas = m.slots.map((sm, k) => {
    const slot = space.slots[sm.slot];
    const model = space.base.models.find((x) => x.id === m.model);
    return model ? replicasPerNodes(slot.profile, model, nodes[k]) : 0;
  });
  const perReplica = m.slots.map((sm, k) =>
    replicas[k] > 0
      ? maxPerReplicaRateWithinSlo(sm.curve, P, O, replicas[k], { ttftS: m.ttftS, tpotS: m.tpotS })
      : 0,
  );
  let worst: ScreenVerdict = { ok: true, reason: "", ttftP99S: 0, tpotMs: 0 };
  const op = emptyOperatingPoint();
  for (let k = 0; k < m.times.length; k++) {
    // 1. Capacity: Hall's condition over the unions of the classes' slot sets.
    const cap = (mask: number) => {
      let c = 0;
      for (let j = 0; j < n; j++)
        if (mask & (1 << j)) c += Math.floor(replicas[j] * m.slots[j].up[k]) * perReplica[j];
      return c;
    };
    const C = m.classMask.length;
    for (let q = 1; q < 1 << C; q++) {
      let union = 0;
      for (let c = 0; c < C; c++) if (q & (1 << c)) union |= m.classMask[c];
      let demand = 0;
      for (let c = 0; c < C; c++) if ((m.classMask[c] & ~union) === 0) demand += m.demand[c][k];
      if (demand > cap(union) * (1 + 1e-12)) {
        return {
          ok: false,
          reason: `${m.model}: ${demand.toFixed(2)} req/s at ${clock(space, m.times[k])} over the ${cap(union).toFixed(2)} req/s that ${slotNames(space, m, union)} can take within the targets`,
          ttftP99S: Number.POSITIVE_INFINITY,
          tpotMs: Number.POSITIVE_INFINITY,
        };
      }
    }
    // 2. Waiting for a batch slot, the model's replicas pooled.
    let demand = 0;
    for (const d of m.demand) demand += d[k];
    if (demand <= 0) continue;
    let servers = 0;
    let up = 0;
    for (let j = 0; j < n; j++) {
      const r = Math.floor(replicas[j] * m.slots[j].up[k]);
      servers += r * m.slots[j].curve.maxBatch;
      up += r;
    }
    const j0 = m.slots.findIndex((_, j) => replicas[j] > 0);
    if (j0 < 0 || up === 0) continue;
    const curve = m.slots[j0].curve;
    solveOperatingPoint(curve, demand / up, P, O, up, op);
    const prefill = P / curve.prefillTokensPerS;
    const held = op.prefillWaitS + prefill + Math.max(0, O - 1) * op.tpotS;
    const wait = erlangCWaitQuantile(servers, demand, held, TAIL);
    const ttft = op.prefillWaitS + prefill + wait;
    if (ttft > worst.ttftP99S) worst = { ...worst, ttftP99S: ttft, tpotMs: op.tpotS * 1000 };
    if (ttft > m.ttftS) {
      return {
        ok: false,
        reason: `${m.model}: p99 TTFT ~${ttft.toFixed(3)} s at ${clock(space, m.times[k])} (Erlang C over ${servers} batch slots) above ${m.ttftS} s`,
        ttftP99S: ttft,
        tpotMs: op.tpotS * 1000,
      };
    }
  }
  return worst;
}

function slotNames(space: FleetSpace, m: ModelScreen, mask: number): string {
  return m.slots
    .filter((_, j) => mask & (1 << j))
    .map((sm) => space.slots[sm.slot].pool)
    .join(" + ");
}

/** Time of day (UTC) of a moment of the run. */
export function clock(space: FleetSpace, t: number): string {
  const d = new Date(space.base.startMs + t * 1000);
  const hm = d.toISOString().slice(11, 16);
  return space.base.horizon > 86_400 ? `day ${Math.floor(t / 86_400) + 1} ${hm}` : hm;
}
