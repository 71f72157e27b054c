/**
 * Confirmation of a candidate fleet request by request: one run per seed, and per target (tenant x
 * requested model) the p99 TTFT, p99 TPOT and SLO attainment of each run. A target is met when it
 * is met in EVERY seed's run; the means and their 95 % Student-t intervals are what plan.csv shows.
 */
import { type MeanInterval, meanInterval } from "../compare/confidence.js";
import { claims, runOnThreads } from "../run/thread-pool.js";
import type { PlanTarget, Scenario } from "../scenario/types.js";
import { runSeed, type SeedResult } from "./confirm-seed.js";
import type { ConfirmTask } from "./confirm-worker.js";

export interface TargetResult {
  target: PlanTarget;
  ttftP99S: MeanInterval | null;
  tpotP99Ms: MeanInterval | null;
  attainment: MeanInterval | null;
  /** The first target missed in some seed, in words; null when every seed met every target. */
  missed: string | null;
}

export interface FleetResult {
  costUsd: MeanInterval;
  marginUsd: MeanInterval;
  targets: TargetResult[];
  runs: number;
}

export interface ConfirmOptions {
  seeds: number[];
  workers?: number;
  shouldStop?: () => boolean;
  /** Called after each run. */
  onRun?: () => void;
}

export async function confirmFleet(
  s: Scenario,
  targets: readonly PlanTarget[],
  opts: ConfirmOptions,
): Promise<FleetResult> {
  const seeds = opts.seeds;
  const threads = Math.max(1, Math.min(opts.workers ?? 1, seeds.length));
  // Seeds run on `threads` threads; results come back by seed index, so what follows (and the
  // first seed named in a miss) does not depend on the number of threads.
  const results: SeedResult[] =
    threads === 1
      ? []
      : await runOnThreads<SeedResult, ConfirmTask>({
          worker: { url: import.meta.url, name: "plan/confirm-worker" },
          workerData: {
            scenario: s,
            seeds: [...seeds],
            targets: [...targets],
            ...claims(seeds.map((_, i) => i)),
          },
          threads,
          first: -1,
          runHere: (i, hooks) => runSeed(s, seeds[i], targets, hooks.shouldStop),
          shouldStop: opts.shouldStop,
          onItemDone: () => opts.onRun?.(),
          describeItem: (i) => `seed ${seeds[i]}`,
        });
  if (threads === 1) {
    for (const seed of seeds) {
      results.push(await runSeed(s, seed, targets, opts.shouldStop));
      opts.onRun?.();
    }
  }
  const per = targets.map(() => ({
    ttft: [] as number[],
    tpot: [] as number[],
    att: [] as number[],
    missed: null as string | null,
  }));
  results.forEach((r, k) => {
    const seed = seeds[k];
    targets.forEach((t, i) => {
      const p = per[i];
      const { ttftP99S: ttft, tpotP99S: tpot, attainment: att, requests, tooLong } = r.targets[i];
      if (ttft !== null) p.ttft.push(ttft);
      if (tpot !== null) p.tpot.push(tpot * 1000);
      if (att !== null) p.att.push(att);
      if (p.missed !== null || requests === 0) return;
      if (t.ttftP99S !== null && (ttft === null || ttft > t.ttftP99S)) {
        p.missed = `p99 TTFT ${fmt(ttft)} s > ${t.ttftP99S} s (seed ${seed})`;
      } else if (t.tpotP99Ms !== null && (tpot === null || tpot * 1000 > t.tpotP99Ms)) {
        p.missed = `p99 TPOT ${fmt(tpot === null ? null : tpot * 1000)} ms > ${t.tpotP99Ms} ms (seed ${seed})`;
      } else if (t.attainment !== null && att !== null && att < t.attainment) {
        p.missed = `attainment ${att.toFixed(4)} < ${t.attainment} (seed ${seed})${tooLongNote(tooLong, requests, t.attainment)}`;
      }
    });
  });
  return {
    costUsd: meanInterval(results.map((r) => r.costUsd)) as MeanInterval,
    marginUsd: meanInterval(results.map((r) => r.marginUsd)) as MeanInterval,
    targets: targets.map((target, i) => ({
      target,
      ttftP99S: meanInterval(per[i].ttft),
      tpotP99Ms: meanInterval(per[i].tpot),
      attainment: meanInterval(per[i].att),
      missed: per[i].missed,
    })),
    runs: seeds.length,
  };
}

/**
 * Requests longer than the model can hold are rejected on any fleet: when they alone keep the
 * attainment below the target, no plan meets it, and the miss says so.
 */
function tooLongNote(tooLong: number, requests: number, target: number): string {
  if (tooLong === 0) return "";
  const share = `${tooLong} of its ${requests} requests are longer than the model can hold`;
  return 1 - tooLong / requests < target
    ? `; ${share}, so no fleet meets it (a longer-context model in fallback would)`
    : `; ${share}`;
}

function fmt(v: number | null): string {
  return v === null ? "none" : v.toPrecision(4);
}
