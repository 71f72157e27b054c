/** What an autoscaler can see of one model at a decision: the present, never the future draws. */
export interface ModelObservation {
  /** Replicas in service (present, up, not draining). */
  serving: number;
  /** Requests waiting for a replica of the model (replica queues and shared queues). */
  queued: number;
  /** Mean fraction of KV memory in use over the replicas in service (NaN with none). */
  kvFraction: number;
  /** Fraction of the replicas in service holding at least one request (NaN with none). */
  busyFraction: number;
  /** p99 TTFT of the model's requests finished since the last decision, s (NaN with none). */
  ttftP99: number;
  /** Requests of the model finished per second since the last decision (NaN at the first). */
  completedPerS: number;
}

export function emptyObservation(): ModelObservation {
  return {
    serving: 0,
    queued: 0,
    kvFraction: Number.NaN,
    busyFraction: Number.NaN,
    ttftP99: Number.NaN,
    completedPerS: Number.NaN,
  };
}
