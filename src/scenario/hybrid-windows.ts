/**
 * The request-level windows of a hybrid run (`fluid.windows`), as the loader resolves them: each
 * entry is one window `{ at, duration }` or a repeating one `{ every, offset, duration }`; the
 * repeating form is expanded, every window clipped to the horizon, and windows that overlap or
 * touch are merged into one. Starts, durations and periods must be whole report intervals, so a
 * window covers whole rows of every time series. Two single windows that overlap are refused
 * (probably a typing mistake); a repeating window that meets another entry is merged with it.
 */
import type { ProblemList } from "./problems.js";
import type { HybridWindow } from "./types.js";

export interface RawHybridWindow {
  at?: number;
  every?: number;
  offset?: number;
  duration: number;
}

export interface WindowContext {
  horizon: number;
  reportInterval: number;
}

const UNITS: Array<[number, string]> = [
  [365 * 86_400, "y"],
  [86_400, "d"],
  [3600, "h"],
  [60, "m"],
];

/** A duration as the scenario format writes it (`90m`, `1d`), seconds when no unit divides it. */
export function showSeconds(seconds: number): string {
  for (const [size, name] of UNITS)
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${name}`;
  return `${seconds}s`;
}

const isMultiple = (x: number, of: number) => Math.abs(x / of - Math.round(x / of)) < 1e-9;

/** Resolved windows (sorted, disjoint, merged); problems are added to `problems`. */
export function resolveWindows(
  raw: RawHybridWindow[],
  ctx: WindowContext,
  problems: ProblemList,
): HybridWindow[] {
  const { horizon, reportInterval } = ctx;
  const spans: Array<HybridWindow & { single: number }> = [];
  const before = problems.size;
  raw.forEach((w, i) => {
    const path = ["fluid", "windows", i];
    const aligned = (key: "at" | "every" | "offset" | "duration", v: number | undefined) => {
      if (v !== undefined && !isMultiple(v, reportInterval)) {
        problems.add(
          [...path, key],
          `must be a whole number of report intervals (${showSeconds(reportInterval)}), got ${showSeconds(v)}`,
        );
      }
    };
    // A window starting at or after the horizon never occurs (like an event after it), so a
    // --horizon override can shorten a hybrid scenario without editing its windows.
    const insideHorizon = (_key: "at" | "offset", v: number) => v < horizon;
    for (const k of ["at", "every", "offset", "duration"] as const) aligned(k, w[k]);
    if (w.at === undefined && w.every === undefined) {
      problems.add(path, "give at (one window) or every (a repeating window)");
      return;
    }
    if (w.at !== undefined && w.every !== undefined) {
      problems.add([...path, "every"], "give at (one window) or every (a repeating window), not both");
      return;
    }
    if (w.at !== undefined) {
      if (w.offset !== undefined) {
        problems.add(
          [...path, "offset"],
          "goes with every (a repeating window); a single window has only at",
        );
      }
      if (insideHorizon("at", w.at)) {
        spans.push({ at: w.at, duration: Math.min(w.duration, horizon - w.at), single: i });
      }
      return;
    }
    const every = w.every as number;
    const offset = w.offset ?? 0;
    if (w.duration >= every) {
      problems.add(
        [...path, "duration"],
        `must be shorter than every (${showSeconds(every)}), got ${showSeconds(w.duration)}: the windows would overlap (use one window { at, duration } instead)`,
      );
      return;
    }
    if (!insideHorizon("offset", offset)) return;
    for (let at = offset; at < horizon; at += every) {
      spans.push({ at, duration: Math.min(w.duration, horizon - at), single: -1 });
    }
  });
  if (problems.size > before) return [];

  spans.sort((a, b) => a.at - b.at || a.single - b.single);
  // Two single windows that overlap: refused, pointing at the earlier one.
  let reach: (typeof spans)[number] | undefined; // the single window reaching furthest so far
  for (const cur of spans) {
    if (cur.single < 0) continue;
    if (reach !== undefined && cur.at < reach.at + reach.duration) {
      const line = problems.lineOf(["fluid", "windows", reach.single]);
      problems.add(
        ["fluid", "windows", cur.single, "at"],
        `overlaps fluid.windows.${reach.single}${line === undefined ? "" : ` (line ${line})`}, which runs from ${showSeconds(reach.at)} to ${showSeconds(reach.at + reach.duration)}; merge them into one window`,
      );
    }
    if (reach === undefined || cur.at + cur.duration > reach.at + reach.duration) reach = cur;
  }
  if (problems.size > before) return [];

  const merged: HybridWindow[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.at <= last.at + last.duration) {
      last.duration = Math.max(last.duration, s.at + s.duration - last.at);
    } else merged.push({ at: s.at, duration: s.duration });
  }
  return merged;
}
