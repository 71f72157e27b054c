/**
 * Collective communication times of a parallel replica over its interconnect.
 *
 * `bandwidthBytesPerS` is the bandwidth ONE device can send in one direction (NVLink 4's
 * "900 GB/s" is the bidirectional total per GPU, so 450 GB/s per direction); `latencyS` is the
 * fixed cost of one hop (one step of a ring algorithm).
 */

export interface Interconnect {
  kind: string;
  /** Bytes/s one device sends in one direction. */
  bandwidthBytesPerS: number;
  /** Seconds per hop. */
  latencyS: number;
}

/**
 * Ring all-reduce of `bytes` (the buffer each device holds) across `degree` devices: a
 * reduce-scatter and an all-gather, 2(t-1) hops each moving bytes/t, so
 * 2(t-1)/t x bytes / bandwidth + 2(t-1) x latency. Zero for one device.
 */
export function ringAllReduceSeconds(link: Interconnect, degree: number, bytes: number): number {
  if (degree <= 1) return 0;
  const hops = 2 * (degree - 1);
  return ((hops / degree) * bytes) / link.bandwidthBytesPerS + hops * link.latencyS;
}

/**
 * All-to-all of `bytes` per device across `degree` devices (MoE expert parallelism: dispatch the
 * tokens to their experts, or combine them back): each device keeps 1/t and sends the rest,
 * (t-1)/t x bytes / bandwidth, with t-1 peers reached at one latency each (pairwise exchange).
 */
export function allToAllSeconds(link: Interconnect, degree: number, bytes: number): number {
  if (degree <= 1) return 0;
  return (((degree - 1) / degree) * bytes) / link.bandwidthBytesPerS + (degree - 1) * link.latencyS;
}

/** Point-to-point send of `bytes` between two pipeline stages. */
export function p2pSeconds(link: Interconnect, bytes: number): number {
  return bytes / link.bandwidthBytesPerS + link.latencyS;
}
