/**
 * The random streams of one workload. Each is keyed by the seed, a purpose, the tenant id and
 * the workload id, so no workload's draws depend on any other workload, on the order of the
 * tenants, or on how many draws another purpose made (arrival times never shift token draws).
 */
import { deriveStream, type RandomStream } from "../engine/random.js";

export interface WorkloadStreams {
  /** Inter-arrival gaps (and the phase of a constant process). */
  arrivals: RandomStream;
  /** Accept/reject draws of thinning, and the copy draws of a multiplied trace. */
  thinning: RandomStream;
  /** On/off periods of an MMPP. */
  onOff: RandomStream;
  promptTokens: RandomStream;
  outputTokens: RandomStream;
}

export function workloadStreams(seed: number, tenantId: string, workloadId: string): WorkloadStreams {
  return {
    arrivals: deriveStream(seed, "arrivals", tenantId, workloadId),
    thinning: deriveStream(seed, "thinning", tenantId, workloadId),
    onOff: deriveStream(seed, "onoff", tenantId, workloadId),
    promptTokens: deriveStream(seed, "prompt_tokens", tenantId, workloadId),
    outputTokens: deriveStream(seed, "output_tokens", tenantId, workloadId),
  };
}
