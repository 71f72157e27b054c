/**
 * requests.csv (`fleetsim run --requests`): one row per request that left the system, completed or
 * rejected, streamed to a file as the run goes (memory stays flat whatever the number of requests).
 * `sample` keeps a seeded fraction: whether a request is kept depends only on the seed and the
 * request's (workload, number), never on the simulation's random streams, so a sampled log shows
 * the same requests as a full one would.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { RequestLog, RequestRecord } from "../contract/request-log.js";
import type { HardwareProfile, Scenario } from "../scenario/types.js";
import { type CsvDialect, decimal, fieldSeparator, formatNumber } from "./csv.js";

export const REQUEST_LOG_FILE = "requests.csv";

export const REQUEST_COLUMNS = [
  "tenant",
  "workload",
  "request",
  "outcome",
  "model_requested",
  "model_served",
  "pool",
  "replica",
  "arrival_s",
  "queue_wait_s",
  "ttft_s",
  "tpot_ms",
  "e2e_s",
  "prompt_tokens",
  "output_tokens",
  "cached_tokens",
  "restarts",
  "failed_over",
  "billed_usd",
];

/** Bytes buffered before a write to the file. */
const FLUSH_AT = 1 << 20;

export class RequestLogCsv implements RequestLog {
  private readonly fd: number;
  private buffer = "";
  private readonly tenantOf: string[] = [];
  private readonly workloadOf: string[] = [];
  private readonly requestedOf: string[] = [];
  private readonly contractOf: Scenario["tenants"][number]["contract"][] = [];
  private readonly profileOfPool: HardwareProfile[];
  private readonly sep: string;
  /** Rows written. */
  rows = 0;

  constructor(
    file: string,
    private readonly s: Scenario,
    private readonly sample = 1,
    private readonly dialect: CsvDialect = "rfc4180",
  ) {
    this.sep = fieldSeparator(dialect);
    for (const t of s.tenants) {
      for (const w of t.workloads) {
        this.tenantOf.push(this.csvText(t.id));
        this.workloadOf.push(this.csvText(w.id));
        this.requestedOf.push(this.csvText(w.model));
        this.contractOf.push(t.contract);
      }
    }
    this.profileOfPool = s.fleet.pools.map((p) => s.profiles.find((x) => x.id === p.profile)!);
    this.fd = openSync(file, "w");
    this.buffer = `${REQUEST_COLUMNS.join(this.sep)}\r\n`;
  }

  add(r: RequestRecord): void {
    if (this.sample < 1 && keepFraction(this.s.seed, r.workload, r.seq) >= this.sample) return;
    const done = r.outcome === "completed";
    const n = r.outputTokens;
    const d = (v: number, digits: number) => decimal(formatNumber(v, digits), this.dialect);
    const cells = [
      this.tenantOf[r.workload],
      this.workloadOf[r.workload],
      formatNumber(r.seq, 0),
      r.outcome,
      this.requestedOf[r.workload],
      this.csvText(this.s.models[r.servedModel].id),
      done ? this.csvText(this.s.fleet.pools[r.pool].id) : "",
      done ? formatNumber(r.replica, 0) : "",
      d(r.arrival, 6),
      done ? d(r.admitted - r.arrival, 6) : "",
      done ? d(r.firstToken - r.arrival, 6) : "",
      done && n > 1 ? d(((r.end - r.firstToken) / (n - 1)) * 1000, 4) : "",
      done ? d(r.end - r.arrival, 6) : "",
      formatNumber(r.promptTokens, 0),
      formatNumber(done ? n : 0, 0),
      formatNumber(done ? r.cachedPromptTokens : 0, 0),
      formatNumber(r.restarts, 0),
      r.failedOver ? "1" : "0",
      d(done ? this.billed(r) : 0, 9),
    ];
    this.buffer += `${cells.join(this.sep)}\r\n`;
    this.rows++;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  /**
   * What the request is billed before rounding to micro-dollars (billing rounds once per tenant,
   * model and price epoch): tokens at the price in force x (1 - discount) for token contracts; its
   * share of busy node-hours at the profile's price for on-demand and spot; 0 under a capacity
   * contract, which pays for reserved node-hours whatever it sends.
   */
  private billed(r: RequestRecord): number {
    const c = this.contractOf[r.workload];
    if (c.type === "token") {
      const fresh = r.promptTokens - r.cachedPromptTokens;
      const input = fresh * r.priceInput + r.cachedPromptTokens * r.priceCachedInput;
      return ((input + r.outputTokens * r.priceOutput) / 1e6) * (1 - c.discount);
    }
    if (c.type === "capacity") return 0;
    const profile = this.profileOfPool[r.pool];
    const perReplica = this.s.models[r.servedModel].acceleratorsPerReplica;
    const nodeSeconds = Math.max(0, r.busyReplicaSeconds) * (perReplica / profile.acceleratorsPerNode);
    const spot = c.type === "spot" ? 1 - this.s.billing.spotDiscount : 1;
    return (nodeSeconds * profile.priceUsdPerHour * spot * (1 - c.discount)) / 3600;
  }

  private flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = "";
  }

  /** An id as a CSV field (ids may hold the separator or quotes; validation lets none start a formula). */
  private csvText(v: string): string {
    return v.includes(this.sep) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A number in [0, 1) from (seed, workload, seq) alone: a 32-bit mix (murmur3's finaliser) of the three. */
export function keepFraction(seed: number, workload: number, seq: number): number {
  let h =
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(workload + 1, 0xc2b2ae35) ^
    Math.imul(seq | 0, 0x27d4eb2f);
  h ^= Math.floor(seq / 2 ** 32);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}
