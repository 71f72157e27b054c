/**
 * One finished request, as the request engine hands it to a request log (`--requests`): plain
 * numbers and indices; the writer (src/output/request-log-csv.ts) names and formats them.
 */
export type RequestOutcome = "completed" | "rejected";

export interface RequestRecord {
  outcome: RequestOutcome;
  /** Flat workload index (tenant x workload) and the request's number within its workload (0, 1, ...). */
  workload: number;
  seq: number;
  /** Model index of the route that last took it (the requested model unless it failed over). */
  servedModel: number;
  /** Replica group and global replica index that completed it; -1 for a rejected request. */
  group: number;
  replica: number;
  arrival: number;
  /** Admission into the batch that completed it, first token, end; -1 where none. */
  admitted: number;
  firstToken: number;
  end: number;
  promptTokens: number;
  outputTokens: number;
  /** Times its progress was lost and it was routed again (spot preemption, an outage). */
  restarts: number;
  /** Its share of its replica's busy time, replica-seconds (what on-demand and spot bill). */
  busyReplicaSeconds: number;
  /** Pool index of the replica that completed it; -1 for a rejected request. */
  pool: number;
  /** List prices of its served model when it ended, USD per million input and output tokens. */
  priceInput: number;
  priceOutput: number;
  /** Of its prompt tokens, those read from the prefix cache, and their price (USD per million). */
  cachedPromptTokens: number;
  priceCachedInput: number;
  failedOver: boolean;
}

/** Where the request engine sends each request that leaves the system. */
export interface RequestLog {
  add(r: RequestRecord): void;
}
