/** The short summary table `fleetsim run` prints to stdout. */
import { fromMicro } from "../billing/money.js";
import type { Summary } from "../billing/summary.js";

const usd = (micro: number) =>
  `$${fromMicro(micro).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const count = (n: number) => n.toLocaleString("en-US");
const pct = (v: number | null) => (v === null ? "-" : `${(v * 100).toFixed(2)} %`);
const secs = (v: number | null) => (v === null ? "-" : `${v.toFixed(3)} s`);
const msec = (v: number | null) => (v === null ? "-" : `${(v * 1000).toFixed(1)} ms`);

export function summaryText(s: Summary, outDir: string | null): string {
  const rows: Array<[string, string]> = [
    ["scenario", `${s.scenario} (seed ${s.seed}, horizon ${formatDuration(s.horizonS)})`],
    ["requests", count(s.requests)],
    ["  completed", count(s.completed)],
    ["  rejected", count(s.rejected)],
    // Only when it happened: longer than every model of the chain could hold (context or KV memory).
    ...(s.rejectedTooLong > 0
      ? [["    too long for the model", count(s.rejectedTooLong)] as [string, string]]
      : []),
    ["  in flight at horizon", count(s.inFlight)],
    ["  failed over", count(s.failedOver)],
    // Only when it happened: a replica short of KV blocks preempts and recomputes or swaps (prefill: chunked).
    ...(s.kvPreemptions > 0 ? [["  KV preemptions", count(s.kvPreemptions)] as [string, string]] : []),
    ...(s.kvSwaps > 0 ? [["    swapped to host", count(s.kvSwaps)] as [string, string]] : []),
    ...(s.replicaLoads > 0
      ? [
          [
            "replica loads",
            `${count(s.replicaLoads)} (${count(s.replicaSwitches)} switches between models)`,
          ] as [string, string],
        ]
      : []),
    ["tokens in / out", `${count(s.inputTokens)} / ${count(s.outputTokens)}`],
    // Only when prompts shared a prefix the step replicas found cached.
    ...(s.cachedInputTokens > 0
      ? [
          [
            "  prefix cache hits",
            `${count(s.cachedInputTokens)} (${pct(s.prefixHitRate)} of prompt tokens)`,
          ] as [string, string],
        ]
      : []),
    ["revenue", usd(s.revenue)],
    ["owner share", usd(s.ownerShare)],
    ["infrastructure cost", usd(s.cost)],
    ["margin", `${usd(s.margin)} (${pct(s.marginPct)})`],
    [
      "utilization",
      `${pct(s.utilization)} of saturated throughput (busy ${pct(s.busyFraction)}, MFU ${pct(s.computeUtilization)})`,
    ],
    ["SLO attainment", pct(s.sloAttainment)],
    ["TTFT p50 / p99", `${secs(s.latency.ttftS[0])} / ${secs(s.latency.ttftS[2])}`],
    ["TPOT p50 / p99", `${msec(s.latency.tpotS[0])} / ${msec(s.latency.tpotS[2])}`],
    ["revenue HHI (by owner)", s.revenueHhi === null ? "-" : s.revenueHhi.toFixed(4)],
    [
      "simulation",
      `${count(s.events)} events in ${s.wallSeconds.toFixed(2)} s (${count(Math.round(s.events / Math.max(s.wallSeconds, 1e-9)))} events/s)`,
    ],
  ];
  if (outDir !== null) rows.push(["outputs", outDir]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n")}\n`;
}

export function formatDuration(seconds: number): string {
  const units: Array<[number, string]> = [
    [365 * 86400, "y"],
    [86400, "d"],
    [3600, "h"],
    [60, "m"],
  ];
  for (const [size, name] of units)
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${name}`;
  return `${seconds}s`;
}
