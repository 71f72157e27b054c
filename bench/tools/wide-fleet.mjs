#!/usr/bin/env node
/**
 * Writes a wide fleet to stdout: M models on nd-h100-v5 nodes in each of R regions (one pool per
 * region, one node per model), a tenant per model sending Poisson requests at RATE per second
 * anywhere. Every model is an independent part (see src/contract/parts.ts) and every pool a group per
 * model: M parts over M x R groups, the shape that per-part overheads grow with.
 *
 *   node bench/tools/wide-fleet.mjs [M=40] [R=50] [RATE=20] [HORIZON=1h] > /tmp/wide.yaml
 *   node dist/cli/main.js run /tmp/wide.yaml --out /tmp/wide --workers 1
 */
const [m = 40, r = 50, rate = 20, horizon = "1h"] = process.argv.slice(2);
const M = Number(m);
const R = Number(r);
const out = [
  `name: wide-fleet-${M}x${R}`,
  "seed: 1",
  `horizon: ${horizon}`,
  "report_interval: 1h",
  "models:",
];
for (let i = 0; i < M; i++) {
  out.push(
    `  - { id: m${i}, owner: lab, params_b: 8, bytes_per_param: 2, kv_bytes_per_token: 131072, accelerators_per_replica: 1,`,
    "      price: { input_usd_per_mtok: 0.15, output_usd_per_mtok: 0.60 } }",
  );
}
out.push("fleet:", "  pools:");
for (let p = 0; p < R; p++) {
  out.push(
    `    - { id: p${p}, profile: nd-h100-v5, region: r${p}, nodes: ${M}, serves: *serves }`.replace(
      "*serves",
      p === 0
        ? `&serves [${Array.from({ length: M }, (_, i) => `{ model: m${i}, nodes: 1 }`).join(", ")}]`
        : "*serves",
    ),
  );
}
out.push("tenants:");
for (let i = 0; i < M; i++) {
  out.push(
    `  - id: t${i}`,
    "    workloads:",
    `      - { model: m${i}, arrival: { process: poisson, rate_per_s: ${Number(rate)} },`,
    "          prompt_tokens: { dist: lognormal, median: 800, p90: 2400, max: 16000 },",
    "          output_tokens: { dist: lognormal, median: 100, p90: 350, max: 2048 } }",
  );
}
out.push("scheduler: { routing: least_loaded, batching: continuous, max_batch: 256 }");
console.log(out.join("\n"));
