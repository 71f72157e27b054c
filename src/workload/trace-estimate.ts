/**
 * Expected requests and exact mean tokens of a trace replay over the horizon: each row counts
 * with the multiplier in force when it lands (its expected number of copies). A pass that lies
 * wholly inside [0, horizon) under one multiplier is counted from the first pass's totals, so
 * a short trace looped over a year reads the file only a few times (once, plus once per pass
 * cut by the horizon, a negative offset or a multiplier change).
 */
import { InputError } from "../errors.js";
import type { TraceOptions } from "../scenario/types.js";
import type { MultiplierSchedule } from "./multiplier-schedule.js";
import type { WorkloadEstimate } from "./source.js";
import { checkTimeScale, loopPeriod, replayedTokens } from "./trace-period.js";
import { type TraceRow, TraceRowReader, ticksPerSecond } from "./trace-rows.js";

interface Totals {
  requests: number;
  prompt: number;
  output: number;
}

interface PassShape {
  rows: number;
  firstTicks: number;
  totals: Totals;
  /** Seconds from the first row to the last, trace time. */
  span: number;
}

/** Reads the whole file once: row count, first/last time, token totals. */
async function readPass(opts: TraceOptions): Promise<PassShape> {
  const reader = await TraceRowReader.open(opts);
  const row: TraceRow = { line: 0, ticks: 0, promptTokens: 0, outputTokens: 0 };
  const totals: Totals = { requests: 0, prompt: 0, output: 0 };
  let first = 0;
  let last = 0;
  try {
    while (await reader.next(row)) {
      if (totals.requests === 0) first = row.ticks;
      last = row.ticks;
      totals.requests++;
      totals.prompt += replayedTokens(row.promptTokens);
      totals.output += replayedTokens(row.outputTokens);
    }
  } finally {
    reader.close();
  }
  if (totals.requests === 0) throw new InputError({ file: opts.file, message: "the trace has no rows" });
  const span = (last - first) / ticksPerSecond(opts.timestampUnit);
  return { rows: totals.requests, firstTicks: first, totals, span };
}

/** Adds the rows of the pass starting at `base`, row by row, weighted by their multiplier. */
async function addPassRows(
  opts: TraceOptions,
  shape: PassShape,
  base: number,
  horizon: number,
  schedule: MultiplierSchedule,
  into: Totals,
): Promise<void> {
  const reader = await TraceRowReader.open(opts);
  const row: TraceRow = { line: 0, ticks: 0, promptTokens: 0, outputTokens: 0 };
  const tps = ticksPerSecond(opts.timestampUnit);
  try {
    while (await reader.next(row)) {
      const t = base + opts.timeScale * ((row.ticks - shape.firstTicks) / tps);
      if (t >= horizon) break;
      if (t < 0) continue;
      const f = schedule.factorAt(t);
      into.requests += f;
      into.prompt += f * replayedTokens(row.promptTokens);
      into.output += f * replayedTokens(row.outputTokens);
    }
  } finally {
    reader.close();
  }
}

export async function estimateTrace(
  opts: TraceOptions,
  horizon: number,
  schedule: MultiplierSchedule,
): Promise<WorkloadEstimate> {
  checkTimeScale(opts.file, opts.timeScale);
  const shape = await readPass(opts);
  const sum: Totals = { requests: 0, prompt: 0, output: 0 };
  {
    const scale = opts.timeScale;
    const period = opts.loop ? loopPeriod(opts.file, shape.rows, shape.span) : 0;
    const lastPass = opts.loop ? Number.POSITIVE_INFINITY : 0;
    const baseOf = (p: number) => opts.offset + scale * p * period;
    for (let p = 0; p <= lastPass && baseOf(p) < horizon; ) {
      const base = baseOf(p);
      const end = base + scale * shape.span;
      const step = schedule.stepAt(base);
      const limit = Math.min(horizon, schedule.endOfStep(step));
      if (base >= 0 && end < limit) {
        // Passes p..q all lie inside [0, limit) under one factor.
        let q = opts.loop
          ? Math.max(p, Math.ceil(((limit - opts.offset) / scale - shape.span) / period) - 1)
          : p;
        while (q > p && !(baseOf(q) + scale * shape.span < limit)) q--;
        const f = schedule.factorOfStep(step) * (q - p + 1);
        sum.requests += f * shape.totals.requests;
        sum.prompt += f * shape.totals.prompt;
        sum.output += f * shape.totals.output;
        p = q + 1;
      } else {
        await addPassRows(opts, shape, base, horizon, schedule, sum);
        p++;
      }
    }
  }
  // With nothing replayed the means are the trace's own, still the best guess of a request.
  const means = sum.requests > 0 ? sum : shape.totals;
  return {
    expectedRequests: sum.requests,
    meanPromptTokens: means.requests > 0 ? means.prompt / means.requests : 0,
    meanOutputTokens: means.requests > 0 ? means.output / means.requests : 0,
  };
}
