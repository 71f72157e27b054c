/**
 * The demand side's entry points: a workload spec and its context in, a request source (or the
 * workload's expected demand) out. See docs/workloads.md.
 */
import { deriveStream } from "../engine/random.js";
import type { TokenDist, WorkloadSpec } from "../scenario/types.js";
import { ConstantSource } from "./constant-source.js";
import { MultiplierSchedule } from "./multiplier-schedule.js";
import { PoissonSource } from "./poisson-source.js";
import { PrefixSource } from "./prefix-source.js";
import { onFraction, RateProfile } from "./rate-profile.js";
import type { RequestSource, SourceContext, WorkloadEstimate } from "./source.js";
import { workloadStreams } from "./streams.js";
import { tokenMean } from "./token-mean.js";
import { createTokenSampler } from "./token-sampler.js";
import { estimateTrace } from "./trace-estimate.js";
import { TraceSource } from "./trace-source.js";

export type { SourceContext, WorkloadEstimate } from "./source.js";

/** Token distributions are required for synthetic arrivals (the loader guarantees it). */
function tokens(w: WorkloadSpec, which: "promptTokens" | "outputTokens"): TokenDist {
  const d = w[which];
  if (!d) throw new Error(`workload ${w.id}: ${which} is required for ${w.arrival.process} arrivals`);
  return d;
}

export function createSource(w: WorkloadSpec, ctx: SourceContext): RequestSource {
  const source = createPlainSource(w, ctx);
  if (w.prefix === null || w.prefix === undefined) return source;
  // its own stream: a prefix never shifts the workload's other draws
  return new PrefixSource(source, w.prefix, deriveStream(ctx.seed, "prefix_groups", ctx.tenantId, w.id));
}

function createPlainSource(w: WorkloadSpec, ctx: SourceContext): RequestSource {
  const streams = workloadStreams(ctx.seed, ctx.tenantId, w.id);
  const schedule = new MultiplierSchedule(ctx.multipliers);
  const a = w.arrival;
  if (a.process === "trace") return new TraceSource(a.trace, ctx.horizon, schedule, streams.thinning);
  const prompt = createTokenSampler(tokens(w, "promptTokens"), streams.promptTokens);
  const output = createTokenSampler(tokens(w, "outputTokens"), streams.outputTokens);
  const profile = new RateProfile(a, ctx.startMs);
  if (a.process === "constant") {
    return new ConstantSource(profile, schedule, ctx.horizon, streams, prompt, output, ctx.startMs);
  }
  // An MMPP that is never off is a Poisson process (and on = off = 0 would never switch).
  const onOff = a.process === "mmpp" && a.offMean > 0 ? { onMean: a.onMean, offMean: a.offMean } : null;
  return new PoissonSource(profile, schedule, ctx.horizon, streams, prompt, output, onOff, ctx.startMs);
}

/** Integral of the modulated rate (multipliers included) over [0, horizon]. */
export function integratedRate(profile: RateProfile, schedule: MultiplierSchedule, horizon: number): number {
  let total = 0;
  for (let i = schedule.stepAt(0), from = 0; from < horizon; i++) {
    const to = Math.min(horizon, schedule.endOfStep(i));
    total += schedule.factorOfStep(i) * profile.integral(from, to);
    from = to;
  }
  return total;
}

export async function estimateWorkload(w: WorkloadSpec, ctx: SourceContext): Promise<WorkloadEstimate> {
  const schedule = new MultiplierSchedule(ctx.multipliers);
  const a = w.arrival;
  if (a.process === "trace") return estimateTrace(a.trace, ctx.horizon, schedule);
  const on = onFraction(a);
  return {
    meanPromptTokens: tokenMean(tokens(w, "promptTokens")),
    meanOutputTokens: tokenMean(tokens(w, "outputTokens")),
    expectedRequests: on * integratedRate(new RateProfile(a, ctx.startMs), schedule, ctx.horizon),
  };
}
