/**
 * How a full pool is shared: when the replicas its models ask for need more accelerators than the
 * pool has (or can provision), each model gets its ask scaled by the same factor, whole replicas
 * only, never below its min_replicas (the others give back what mins take above their share);
 * accelerators left by the rounding go one replica at a time
 * to the model furthest below its scaled ask (the lower index first on a tie). So every model
 * gives up the same share of what it asks: utilisation evens out across the pool's models, and no
 * model is starved because its replicas are large.
 */
export function fairShare(asks: number[], footprints: number[], mins: number[], capacity: number): number[] {
  const want = asks.reduce((a, x, i) => a + x * footprints[i], 0);
  if (want <= capacity) return [...asks];
  const scale = capacity / want;
  const out = asks.map((x, i) => Math.min(x, Math.max(mins[i], Math.floor(x * scale))));
  let left = capacity - out.reduce((a, x, i) => a + x * footprints[i], 0);
  // mins raised above their share can overfill the pool: the others give back, the most above
  // their scaled ask first, until it fits (or only mins are left)
  while (left < 0) {
    let best = -1;
    let over = 0;
    for (let i = 0; i < asks.length; i++) {
      if (out[i] <= mins[i]) continue;
      const o = out[i] - asks[i] * scale;
      if (best < 0 || o > over) {
        best = i;
        over = o;
      }
    }
    if (best < 0) return out;
    out[best]--;
    left += footprints[best];
  }
  for (;;) {
    let best = -1;
    let gap = 0;
    for (let i = 0; i < asks.length; i++) {
      if (out[i] >= asks[i] || footprints[i] > left) continue;
      const g = asks[i] * scale - out[i];
      if (best < 0 || g > gap) {
        best = i;
        gap = g;
      }
    }
    if (best < 0) return out;
    out[best]++;
    left -= footprints[best];
  }
}
