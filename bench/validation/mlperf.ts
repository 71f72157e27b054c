/**
 * MLPerf checks of the step model through the reference replica (docs/service-model.md).
 * Run: npx tsx bench/validation/mlperf.ts [Server run length in seconds, default 600 as MLPerf's minimum]
 * Offline runs MLPerf's own sample count per replica.
 */
import { mlperfCases, offlineTokensPerS, serverTokensPerS } from "../../test/serving/mlperf-harness.js";

const duration = Number(process.argv[2] ?? 600);
const pct = (x: number, ref: number) => `${x >= ref ? "+" : ""}${(((x - ref) / ref) * 100).toFixed(1)} %`;
for (const c of mlperfCases()) {
  const t0 = Date.now();
  const offline = offlineTokensPerS(c, c.offlineSamplesPerReplica);
  const server = serverTokensPerS(c, duration, offline);
  console.log(
    `${c.name}: Offline ${offline.toFixed(0)} vs ${c.published.offline} (${pct(offline, c.published.offline)}); ` +
      `Server ${server.tokensPerS.toFixed(0)} vs ${c.published.server} (${pct(server.tokensPerS, c.published.server)}) ` +
      `[TTFT p99 ${server.point.ttftP99.toFixed(2)} s, TPOT p99 ${(server.point.tpotP99 * 1000).toFixed(0)} ms; ${((Date.now() - t0) / 1000).toFixed(1)} s]`,
  );
}
