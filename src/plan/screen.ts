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
 * Under scheduler.model_routing the demand is cut as the router cuts it (a share per target, or
 * short and long prompts with their own means): each target's slots take their cut, each target
 * is its own queue, and the p99 TTFT is that of the mixture of the targets' requests; a target
 * with no replica in service sends its cut to the model's other slots.
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
import { type LengthEntry, lengthEntry } from "../fluid/length-entry.js";
import { promptSplit } from "../fluid/prompt-split.js";
import type { ModelRouting, Scenario } from "../scenario/types.js";
import { MultiplierSchedule } from "../workload/multiplier-schedule.js";
import { onFraction, RateProfile } from "../workload/rate-profile.js";
import { erlangCWaitQuantile, erlangCWaitTail } from "./erlang-c.js";
import { type FleetSpace, fleetScenario, routingRule } from "./fleet-space.js";

const MAX_SAMPLE_S = 900;
/** The screen's tail: the 99th percentile of the wait for a batch slot. */
const TAIL = 0.99;

interface SlotModel {
  slot: number;
  curve: ServiceCurve;
  /** Availability (0..1) of the slot's nodes at each sample time. */
  up: Float64Array;
  /** The queue group whose token means size the slot's replicas (-1: the model's means). */
  group: number;
}

/**
 * Demand that goes to one set of slots: a residency class, cut by model_routing's target (a share
 * of it, or its short or long prompts). When `mask` has no replica in service the requests go to
 * `rest` (the model's other eligible slots), as the router does.
 */
interface DemandPart {
  mask: number;
  rest: number;
  /** Queue group its requests wait in while `mask` is in service. */
  group: number;
  /** Requests/s at each sample time. */
  demand: Float64Array;
}

/** A set of slots whose replicas share one queue (a model_routing target, or all the model's slots). */
interface QueueGroup {
  mask: number;
  promptTokens: number;
  outputTokens: number;
}

export interface ModelScreen {
  model: string;
  slots: SlotModel[];
  parts: DemandPart[];
  groups: QueueGroup[];
  times: number[];
  /** The model's mean tokens per request. */
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

/**
 * The screens of every model the plan sizes, from the fleet with every slot at its maximum: per
 * model one per value of its plan.model_routing entry (in the entry's order), else one with the
 * scenario's own scheduler.model_routing for it (or none).
 */
export async function modelScreens(space: FleetSpace): Promise<Map<string, ModelScreen[]>> {
  const full = fleetScenario(
    space,
    space.slots.map((s) => Math.max(1, s.range.max)),
  );
  const run = await planRun(full);
  // requests longer than the model can hold never reach its replicas (fallback, or rejected)
  const lengths = lengthEntry(run.routes, run.estimates);
  const out = new Map<string, ModelScreen[]>();
  for (const [model, slotIdx] of space.slotsByModel) {
    const searched = space.plan.routing.find((r) => r.model === model);
    const rules = searched
      ? searched.values.map((_, v) => routingRule(searched, v))
      : [space.base.scheduler.modelRouting.find((r) => r.model === model) ?? null];
    out.set(
      model,
      rules.map((rule) => modelScreen(space, full, run, lengths, model, slotIdx, rule)),
    );
  }
  return out;
}

function modelScreen(
  space: FleetSpace,
  s: Scenario,
  run: RunPlan,
  lengths: LengthEntry,
  model: string,
  slotIdx: number[],
  rule: ModelRouting | null,
): ModelScreen {
  const step = Math.min(s.reportInterval, MAX_SAMPLE_S);
  const times: number[] = [];
  for (let t = step / 2; t < s.horizon; t += step) times.push(t);
  if (times.length === 0) times.push(0);
  const mi = s.models.findIndex((m) => m.id === model);
  const all = (1 << slotIdx.length) - 1;
  const poolMask = (pools: readonly string[]) =>
    slotIdx.reduce((a, si, k) => (pools.includes(space.slots[si].pool) ? a | (1 << k) : a), 0);
  const groupMasks = rule ? rule.targets.map(poolMask) : [all];
  const tokens = groupMasks.map(() => ({ P: 0, O: 0, w: 0 }));
  const slots: SlotModel[] = slotIdx.map((si, k) => {
    const slot = space.slots[si];
    const g = run.topology.groups.find((x) => x.pool.id === slot.pool && x.modelIndex === mi);
    if (!g) throw new Error(`no replica group for ${slot.pool} x ${model}`);
    const up = Float64Array.from(times, (t) => availability(s, slot.pool, model, t));
    return { slot: si, curve: g.curve, up, group: groupMasks.findIndex((m) => (m & (1 << k)) !== 0) };
  });
  const parts = new Map<string, DemandPart>();
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
    const e = run.estimates[i];
    const rate = rateAt(w.arrival, ctx.startMs, ctx.multipliers, e.expectedRequests / s.horizon);
    // the share the model can hold, and their mean tokens (shorter when the model's context cuts)
    const held = lengths.entry[i][0];
    const meanPrompt = lengths.meanPrompt[i][0];
    const meanOutput = lengths.meanOutput[i][0];
    const requests = e.expectedRequests * held;
    const rates = Float64Array.from(times, (t) => rate(t) * held);
    P += meanPrompt * requests;
    O += meanOutput * requests;
    weight += requests;
    // The workload's cut per target: (fraction of its requests, their mean prompt).
    let cuts: Array<{ f: number; prompt: number }>;
    if (rule === null) cuts = [{ f: 1, prompt: meanPrompt }];
    else if (rule.kind === "shares") cuts = rule.shares.map((f) => ({ f, prompt: meanPrompt }));
    else {
      const p = promptSplit(w.promptTokens, e.meanPromptTokens, rule.threshold);
      cuts = [
        { f: 1 - p.long, prompt: p.meanShort },
        { f: p.long, prompt: p.meanLong },
      ];
    }
    cuts.forEach(({ f, prompt }, g) => {
      if (f <= 0) return;
      const target = mask & groupMasks[g];
      const rest = rule === null ? mask : mask & ~groupMasks[g];
      const key = `${target},${rest},${g}`;
      const part = parts.get(key) ?? { mask: target, rest, group: g, demand: new Float64Array(times.length) };
      rates.forEach((r, k) => {
        part.demand[k] += r * f;
      });
      parts.set(key, part);
      const tk = tokens[g];
      tk.P += prompt * f * requests;
      tk.O += meanOutput * f * requests;
      tk.w += f * requests;
    });
  });
  const meanP = weight > 0 ? P / weight : 0;
  const meanO = weight > 0 ? O / weight : 0;
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
    parts: [...parts.values()],
    groups: groupMasks.map((mask, g) => ({
      mask,
      promptTokens: tokens[g].w > 0 ? tokens[g].P / tokens[g].w : meanP,
      outputTokens: tokens[g].w > 0 ? tokens[g].O / tokens[g].w : meanO,
    })),
    times,
    promptTokens: meanP,
    outputTokens: meanO,
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
  const on = onFraction(a);
  return (t) => profile.rate(t) * schedule.factorAt(t) * on;
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
  const n = m.slots.length;
  const model = space.base.models.find((x) => x.id === m.model);
  const replicas = m.slots.map((sm, k) => {
    const slot = space.slots[sm.slot];
    return model ? replicasPerNodes(slot.profile, model, nodes[k]) : 0;
  });
  const tokensOf = (sm: SlotModel) =>
    sm.group >= 0 ? m.groups[sm.group] : { promptTokens: m.promptTokens, outputTokens: m.outputTokens };
  const perReplica = m.slots.map((sm, k) => {
    const { promptTokens: P, outputTokens: O } = tokensOf(sm);
    return replicas[k] > 0
      ? maxPerReplicaRateWithinSlo(sm.curve, P, O, replicas[k], { ttftS: m.ttftS, tpotS: m.tpotS })
      : 0;
  });
  let worst: ScreenVerdict = { ok: true, reason: "", ttftP99S: 0, tpotMs: 0 };
  const op = emptyOperatingPoint();
  const inService = new Int32Array(n);
  for (let k = 0; k < m.times.length; k++) {
    let live = 0;
    for (let j = 0; j < n; j++) {
      inService[j] = Math.floor(replicas[j] * m.slots[j].up[k]);
      if (inService[j] > 0) live |= 1 << j;
    }
    // Where each part's requests go now: its target, or the rest when the target has no replica up.
    const classes = new Map<number, number>();
    const queued = m.groups.map(() => 0);
    for (const part of m.parts) {
      const d = part.demand[k];
      if (d <= 0) continue;
      const routed = (part.mask & live) !== 0 || part.rest === part.mask;
      const mask = routed ? part.mask : part.rest;
      classes.set(mask, (classes.get(mask) ?? 0) + d);
      const g = routed ? part.group : m.groups.findIndex((q) => (part.rest & ~q.mask) === 0);
      if (g >= 0) queued[g] += d;
    }
    // 1. Capacity: Hall's condition over the unions of the classes' slot sets.
    const cap = (mask: number) => {
      let c = 0;
      for (let j = 0; j < n; j++) if (mask & (1 << j)) c += inService[j] * perReplica[j];
      return c;
    };
    const classMask = [...classes.keys()];
    const classDemand = [...classes.values()];
    const C = classMask.length;
    for (let q = 1; q < 1 << C; q++) {
      let union = 0;
      for (let c = 0; c < C; c++) if (q & (1 << c)) union |= classMask[c];
      let demand = 0;
      for (let c = 0; c < C; c++) if ((classMask[c] & ~union) === 0) demand += classDemand[c];
      if (demand > cap(union) * (1 + 1e-12)) {
        return {
          ok: false,
          reason: `${m.model}: ${demand.toFixed(2)} req/s at ${clock(space, m.times[k])} over the ${cap(union).toFixed(2)} req/s that ${slotNames(space, m, union)} can take within the targets`,
          ttftP99S: Number.POSITIVE_INFINITY,
          tpotMs: Number.POSITIVE_INFINITY,
        };
      }
    }
    // 2. Waiting for a batch slot, each queue group's replicas pooled; the model's p99 TTFT is
    // that of the mixture of its groups' requests (each group an M/M/c queue of batch slots).
    const queues: Queue[] = [];
    let total = 0;
    for (let g = 0; g < m.groups.length; g++) {
      const demand = queued[g];
      if (demand <= 0) continue;
      const { mask, promptTokens: P, outputTokens: O } = m.groups[g];
      let servers = 0;
      let up = 0;
      let j0 = -1;
      for (let j = 0; j < n; j++) {
        if (!(mask & (1 << j))) continue;
        servers += inService[j] * m.slots[j].curve.maxBatch;
        up += inService[j];
        if (j0 < 0 && replicas[j] > 0) j0 = j;
      }
      if (j0 < 0 || up === 0) continue;
      const curve = m.slots[j0].curve;
      solveOperatingPoint(curve, demand / up, P, O, up, op);
      const prefill = P / curve.prefillTokensPerS;
      const held = op.prefillWaitS + prefill + Math.max(0, O - 1) * op.tpotS;
      const base = op.prefillWaitS + prefill;
      queues.push({ servers, demand, held, base, tpotS: op.tpotS, mask });
      total += demand;
    }
    if (queues.length === 0) continue;
    const ttft = mixtureP99(queues, total);
    const tpotMs = Math.max(...queues.map((q) => q.tpotS)) * 1000;
    if (ttft > worst.ttftP99S) worst = { ...worst, ttftP99S: ttft, tpotMs };
    if (ttft > m.ttftS) {
      const servers = queues.map((q) => q.servers).join(" + ");
      return {
        ok: false,
        reason: `${m.model}: p99 TTFT ~${ttft.toFixed(3)} s at ${clock(space, m.times[k])} (Erlang C over ${servers} batch slots) above ${m.ttftS} s`,
        ttftP99S: ttft,
        tpotMs,
      };
    }
  }
  return worst;
}

interface Queue {
  servers: number;
  demand: number;
  /** Mean time a request holds a batch slot, and its TTFT besides the wait for one (s). */
  held: number;
  base: number;
  tpotS: number;
  mask: number;
}

/**
 * The p99 TTFT of the requests of several queues together: one queue's base plus its Erlang C
 * p99 wait; several, the x at which the demand-weighted share of requests with TTFT above x is
 * 1 %, by bisection (a share meeting the target on one side may make up for the other).
 */
function mixtureP99(queues: Queue[], total: number): number {
  if (queues.length === 1) {
    const q = queues[0];
    return q.base + erlangCWaitQuantile(q.servers, q.demand, q.held, TAIL);
  }
  const above = (x: number) =>
    queues.reduce(
      (a, q) =>
        a + (q.demand / total) * (x < q.base ? 1 : erlangCWaitTail(q.servers, q.demand, q.held, x - q.base)),
      0,
    );
  let lo = 0;
  let hi = Math.max(...queues.map((q) => q.base + erlangCWaitQuantile(q.servers, q.demand, q.held, TAIL)));
  if (!Number.isFinite(hi)) return hi; // an unstable queue's wait grows without bound
  for (let i = 0; i < 100 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (above(mid) > 1 - TAIL) lo = mid;
    else hi = mid;
  }
  return hi;
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
