/**
 * The pre-flight scale check every engine (request, fluid, hybrid) and `validate` apply once the
 * fleet is laid out and the workloads estimated, before anything large is built: a run whose
 * replicas and time series would need more than MAX_RUN_MEMORY_BYTES, a fluid run of more than
 * MAX_FLUID_WORK updates, or a run whose money would pass the exact range of whole micro-dollars
 * (2^53, about 9 billion USD), is refused with the field most responsible named by file, line and
 * path.
 */
import { InputError, type InputProblem } from "../errors.js";
import type { Scenario } from "./types.js";
import { lineOf } from "./yaml-source.js";

/** Memory a run may plan for: 2 GB (Node's default heap on a 64-bit machine is about 4 GB). */
export const MAX_RUN_MEMORY_BYTES = 2e9;

/**
 * Memory of one replica of the request engine (object, batch and queue arrays, per-replica
 * counters), measured at about 6.7 KB on fleets of 2,000 and 20,000 replicas before any request;
 * rounded up. Fluid and hybrid runs are held to the same figure (a hybrid run builds the request
 * engine for its windows; a fluid run needs less, but the refusal is the same for every fidelity,
 * so that switching fidelity never turns a refused fleet into an accepted one).
 */
export const BYTES_PER_REPLICA = 8192;

/** Bytes per report interval and column of a time series (Float64). */
const BYTES_PER_CELL = 8;
/** Columns per replica group and per workload statistics row in each interval (rounded up). */
const COLUMNS_PER_GROUP = 8;
const COLUMNS_PER_STAT_ROW = 16;

/**
 * Money totals a run may reach, USD: half of 2^53 micro-dollars, so that revenue, costs and their
 * sums all stay exact however the estimate (an expectation) is exceeded by chance.
 */
export const MAX_MONEY_USD = 2 ** 53 / 1e6 / 2;

const SECONDS_PER_YEAR = 365 * 86_400;

/**
 * Work of a fluid or hybrid run's fluid part: steps x (replica groups + workloads). One unit costs
 * 0.4 to 2.5 us (measured: a 1-year, 1-minute-step run of 20 groups and workloads; 30 days of
 * multi-model-2025 with its diurnal rates), so 2 x 10^8 is 1.5 to 8 minutes, about the request
 * engine's 500 M events.
 */
export const MAX_FLUID_WORK = 2e8;

/** What the check reads of a run's plan (src/contract/plan.ts), kept structural. */
export interface ScalePlan {
  groups: ReadonlyArray<{ poolIndex: number; slots: number }>;
  replicaCount: number;
  /** Per flat workload (tenants' workloads in order). */
  estimates: ReadonlyArray<{ expectedRequests: number; meanPromptTokens: number; meanOutputTokens: number }>;
}

interface Blame {
  path: string;
  amount: number;
}

function problem(s: Scenario, path: string, message: string): InputProblem {
  const p: InputProblem = { file: s.file || "<scenario>", path, message };
  const line = lineOf(s.lines, path.split("."));
  if (line !== undefined) p.line = line;
  return p;
}

const usd = (v: number) => (v >= 1e9 ? `${(v / 1e9).toPrecision(3)} billion USD` : `${Math.round(v)} USD`);
const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Throws an InputError when the run's memory or fluid work is past its limit (see the file comment). */
export function checkScale(s: Scenario, plan: ScalePlan): void {
  const problems: InputProblem[] = [];
  const memory = estimateMemory(s, plan);
  if (memory.total > MAX_RUN_MEMORY_BYTES) {
    problems.push(
      problem(
        s,
        memory.blame.path,
        `the run would need about ${gb(memory.total)} of memory (${plan.replicaCount} replicas, ${intervalsOf(s)} report intervals), above the limit of ${gb(MAX_RUN_MEMORY_BYTES)}; use fewer nodes or a longer report_interval`,
      ),
    );
  }
  if (s.fidelity !== "request") {
    const step = s.fluid?.step ?? 60;
    const steps = Math.ceil(s.horizon / step - 1e-9);
    const work = steps * (plan.groups.length + plan.estimates.length);
    if (work > MAX_FLUID_WORK) {
      problems.push(
        problem(
          s,
          "fluid.step",
          `the fluid run would take ${steps} steps x ${plan.groups.length + plan.estimates.length} replica groups and workloads = ${(work / 1e6).toFixed(0)} M updates, above the limit of ${MAX_FLUID_WORK / 1e6} M; use a longer step or a shorter horizon, got ${step} s`,
        ),
      );
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}

/**
 * Throws an InputError when the run's money could pass MAX_MONEY_USD. It needs only the workload
 * estimates, so it runs before the fleet is laid out (whose sizing reads the same estimates).
 */
export function checkMoney(s: Scenario, estimates: ScalePlan["estimates"]): void {
  const money = estimateMoney(s, estimates);
  if (money.total <= MAX_MONEY_USD) return;
  throw new InputError(
    problem(
      s,
      money.blame.path,
      `money over the horizon would reach about ${usd(money.total)} (${usd(money.blame.amount)} from here), beyond the ${usd(MAX_MONEY_USD)} the simulator counts exactly in micro-dollars; shorten the horizon or scale this down`,
    ),
  );
}

function intervalsOf(s: Scenario): number {
  return Math.max(1, Math.ceil(s.horizon / s.reportInterval - 1e-9));
}

function estimateMemory(s: Scenario, plan: ScalePlan): { total: number; blame: Blame } {
  const replicas = plan.replicaCount * BYTES_PER_REPLICA;
  const statRows = s.tenants.reduce(
    (a, t) => a + t.workloads.reduce((b, w) => b + 1 + w.fallback.length, 0),
    0,
  );
  const series =
    intervalsOf(s) *
    BYTES_PER_CELL *
    (plan.groups.length * COLUMNS_PER_GROUP + s.fleet.pools.length + statRows * COLUMNS_PER_STAT_ROW);
  if (series > replicas)
    return { total: replicas + series, blame: { path: "report_interval", amount: series } };
  // Blame the pool holding the most replicas.
  const byPool = new Map<number, number>();
  for (const g of plan.groups) byPool.set(g.poolIndex, (byPool.get(g.poolIndex) ?? 0) + g.slots);
  let worst = 0;
  for (const [pool, slots] of byPool) if (slots > (byPool.get(worst) ?? -1)) worst = pool;
  return { total: replicas + series, blame: { path: `fleet.pools.${worst}.nodes`, amount: replicas } };
}

/** Most nodes each pool holds over the build-out plan. */
function peakNodes(s: Scenario): number[] {
  return s.fleet.pools.map((pool) => {
    const byModel = new Map(pool.serves.map((sv) => [sv.model, sv.nodes]));
    let peak = pool.nodes;
    let total = pool.serves.reduce((a, sv) => a + sv.nodes, 0);
    for (const c of s.fleet.changes) {
      if (c.pool !== pool.id) continue;
      const before = byModel.get(c.model) ?? 0;
      const after = Math.max(0, before + c.deltaNodes);
      byModel.set(c.model, after);
      total += after - before;
      peak = Math.max(peak, total);
    }
    return peak;
  });
}

function estimateMoney(s: Scenario, estimates: ScalePlan["estimates"]): { total: number; blame: Blame } {
  const blames: Blame[] = [];
  const hours = s.horizon / 3600;
  const profiles = new Map(s.profiles.map((p) => [p.id, p]));
  const b = s.billing;
  // Infrastructure: every node at its peak count for the whole horizon, at its full hourly costs
  // and list price (the price is what capacity and on-demand tenants pay).
  const peaks = peakNodes(s);
  s.fleet.pools.forEach((pool, i) => {
    const p = profiles.get(pool.profile);
    if (!p) return;
    const nodes = peaks[i];
    const perHour =
      p.priceUsdPerHour +
      p.opexUsdPerHour +
      p.capexUsd / (b.amortizationYears * (SECONDS_PER_YEAR / 3600)) +
      (p.powerW.peak / 1000) * b.pue * b.energyUsdPerKwh;
    blames.push({ path: `fleet.pools.${i}.nodes`, amount: nodes * hours * perHour });
  });
  // Token revenue at the highest price the workload's models reach over the run.
  const models = new Map(s.models.map((m) => [m.id, m]));
  const topPrice = (id: string) => {
    const m = models.get(id);
    let input = m?.price.inputUsdPerMtok ?? 0;
    let output = m?.price.outputUsdPerMtok ?? 0;
    for (const e of s.events) {
      if (e.type !== "price_change" || e.model !== id) continue;
      input = Math.max(input, e.inputUsdPerMtok ?? 0);
      output = Math.max(output, e.outputUsdPerMtok ?? 0);
    }
    return { input, output };
  };
  let k = 0;
  s.tenants.forEach((t, ti) => {
    t.workloads.forEach((w, wi) => {
      const e = estimates[k++];
      if (!e) return;
      let input = 0;
      let output = 0;
      for (const id of [w.model, ...w.fallback]) {
        const p = topPrice(id);
        input = Math.max(input, p.input);
        output = Math.max(output, p.output);
      }
      const amount = (e.expectedRequests * (e.meanPromptTokens * input + e.meanOutputTokens * output)) / 1e6;
      const field = w.arrival.process === "trace" ? "arrival.file" : "arrival.rate_per_s";
      blames.push({ path: `tenants.${ti}.workloads.${wi}.${field}`, amount });
    });
    blames.push({ path: `tenants.${ti}.contract.committed_usd`, amount: t.contract.committedUsd });
  });
  let total = 0;
  let blame: Blame = { path: "horizon", amount: 0 };
  for (const x of blames) {
    // NaN and Infinity count as past any limit.
    const amount = Number.isFinite(x.amount) ? x.amount : Number.POSITIVE_INFINITY;
    total += amount;
    if (amount > blame.amount || Number.isNaN(x.amount)) blame = { path: x.path, amount };
  }
  return { total, blame };
}
