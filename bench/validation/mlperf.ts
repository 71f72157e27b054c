/**
 * MLPerf checks of the step model through the reference replica (docs/service-model.md
 * "MLPerf checks"). Offline runs MLPerf's own sample count per replica; Server bisects the Poisson
 * rate over runs of `--duration` seconds of arrivals (MLPerf's minimum is 600 s).
 *
 *   npx tsx bench/validation/mlperf.ts [--duration S] [--compute 0.5] [--memory 0.7] [--prefill pause]
 *
 * --duration overrides every case's Server duration (default: each submission's min_duration,
 * 2,400 s for NVIDIA's Llama-2-70B runs, 600 s for Red Hat's Llama-3.1-8B).
 *
 * --compute / --memory override the profiles' efficiencies (sensitivity only: the defaults are the
 * profiles' documented figures).
 */
import { parseArgs } from "node:util";
import { mlperfCases, offlineTokensPerS, serverTokensPerS } from "../../test/serving/mlperf-harness.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string" },
    compute: { type: "string" },
    memory: { type: "string" },
    prefill: { type: "string" },
  },
});
const duration = values.duration === undefined ? null : Number(values.duration);
const pct = (x: number, ref: number) => `${x >= ref ? "+" : ""}${(((x - ref) / ref) * 100).toFixed(1)} %`;
for (const c of mlperfCases()) {
  const device = {
    ...(values.compute !== undefined && { computeEfficiency: Number(values.compute) }),
    ...(values.memory !== undefined && { memoryEfficiency: Number(values.memory) }),
  };
  const prefill = values.prefill === "pause" ? ("pause" as const) : ("chunked" as const);
  c.offline = { ...c.offline, device, prefill };
  c.server = { ...c.server, device, prefill };
  const t0 = Date.now();
  const offline = offlineTokensPerS(c, c.offlineSamplesPerReplica);
  const server = serverTokensPerS(c, duration ?? c.serverDurationS, offline);
  console.log(
    `${c.name}: Offline ${offline.toFixed(0)} vs ${c.published.offline} (${pct(offline, c.published.offline)}); ` +
      `Server ${server.tokensPerS.toFixed(0)} vs ${c.published.server} (${pct(server.tokensPerS, c.published.server)}) ` +
      `[TTFT p99 ${server.point.ttftP99.toFixed(2)} s, TPOT p99 ${(server.point.tpotP99 * 1000).toFixed(0)} ms; ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s]`,
  );
}
