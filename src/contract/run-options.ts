/**
 * What the caller of a run (command line, sweep, comparison) asks of it, and the pre-flight
 * estimate it may check before the first event. The run layer (src/run) reads all of it; the
 * engines read the progress, stop and slice fields.
 */
import type { RequestLog } from "./request-log.js";

export interface RunOptions {
  /**
   * Called between slices of events with the simulated time reached and the requests completed;
   * `fraction` (0..1) is the share of the run's work done when it is not simTime / horizon (a
   * hybrid run simulates the windows' time again after the fluid pass).
   */
  onProgress?: (simTime: number, completed: number, fraction?: number) => void;
  /** Polled between slices; returning true abandons the run (it then throws RunAborted). */
  shouldStop?: () => boolean;
  /** Called with the pre-flight estimate before the first event; may throw to refuse the run. */
  preflight?: (estimate: PreflightEstimate) => void;
  /** Events per slice (default 200,000). */
  sliceEvents?: number;
  /**
   * Threads for a fleet of independent parts (see src/run/parts.ts), this one included (default
   * 1); "auto": one per CPU when the run is estimated above AUTO_PARALLEL_EVENTS. The results are
   * the same for any number.
   */
  workers?: number | "auto";
  /**
   * Receives every request that leaves the system (completed or rejected), in the order of the
   * run; a run with a request log runs its parts on this thread, one after another.
   */
  requestLog?: RequestLog;
}

/** What a run is expected to cost before it starts (from the workloads' expected arrivals). */
export interface PreflightEstimate {
  requests: number;
  events: number;
}
