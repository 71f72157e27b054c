/**
 * How a looped trace repeats: a pass lasts (last - first) + the mean gap between rows, in the
 * trace's own seconds, so the gap from the last row of one pass to the first of the next is the
 * trace's mean gap. Pass p's row i lands at offset + time_scale * (p * period + t_i - t_0).
 */
import { InputError } from "../errors.js";

export function loopPeriod(file: string, rows: number, spanS: number): number {
  if (rows < 2 || !(spanS > 0)) {
    throw new InputError({
      file,
      message: `cannot loop a trace whose rows all share one time (${rows} row${rows === 1 ? "" : "s"}, span ${spanS} s)`,
    });
  }
  return spanS + spanS / (rows - 1);
}

/** A trace must move forward in time: time_scale > 0 (else a loop would never end). */
export function checkTimeScale(file: string, timeScale: number): void {
  if (!(timeScale > 0))
    throw new InputError({ file, path: "time_scale", message: `must be > 0, got ${timeScale}` });
}

/** The replayed token count of a trace row: the floor of 1 token every request has. */
export function replayedTokens(n: number): number {
  return Math.max(n, 1);
}
