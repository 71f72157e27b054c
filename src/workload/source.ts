/**
 * The contract between the demand side and the simulation: a request source yields the
 * workload's requests in time order, one at a time, with no allocation per request.
 */

/** Filled in by RequestSource.next(). */
export interface RequestDraw {
  /** Arrival time, seconds from the scenario start. */
  time: number;
  promptTokens: number;
  outputTokens: number;
  /**
   * The prefix its prompt shares with others: a source that gives prefixes sets it on every call
   * (null: none); others leave it alone.
   */
  prefix?: SharedPrefix | null;
}

/**
 * What a prompt shares with others, for prefix caching: its first `tokens` tokens, in units of
 * `unitTokens` tokens, unit k named by unitKeys[k] (unique within a run for that unit's content and
 * everything before it). The step replicas read it as src/fleet/prefix-cache.ts's PrefixRef.
 */
export interface SharedPrefix {
  readonly unitKeys: ArrayLike<number>;
  readonly unitTokens: number;
  readonly tokens: number;
}

export interface RequestSource {
  /**
   * Writes the next request into `out` and returns true, or returns false when the source has
   * no more requests before the horizon. Arrival times never decrease.
   */
  next(out: RequestDraw): boolean;
  /**
   * True when a streamed source (a trace) must be refilled with `await refill()` before the
   * next call to next(). Synthetic sources are never low.
   */
  readonly needsRefill: boolean;
  refill(): Promise<void>;
  close(): Promise<void>;
}

/** A piecewise-constant multiplier on a workload's load from timeline events. */
export interface LoadMultiplier {
  /** Seconds from the scenario start. */
  at: number;
  /** Multiplies the load from `at` on (cumulative with earlier entries). */
  factor: number;
}

/** What a workload's source needs to know about the scenario around it. */
export interface SourceContext {
  /** Scenario seed. */
  seed: number;
  tenantId: string;
  /** Epoch ms of the scenario start (UTC); the diurnal pattern uses it. */
  startMs: number;
  /** Seconds; no request at or after it is produced. */
  horizon: number;
  /**
   * From timeline events (tenant_shift: factor 1 - fraction; demand_change: factor), sorted by
   * `at`, cumulative.
   */
  multipliers: LoadMultiplier[];
}

/** Expected demand of a workload over the horizon. */
export interface WorkloadEstimate {
  meanPromptTokens: number;
  meanOutputTokens: number;
  expectedRequests: number;
}
