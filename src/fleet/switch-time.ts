/**
 * How long a replica takes to start serving a model, on a fresh start or after switching from
 * another model: read the weights into accelerator memory, then start the serving engine.
 *   time = weight bytes / (weight_load_gb_per_s x nodes the replica spans) + startup_s
 * A replica spanning several nodes reads its shards in parallel, one stream per node; replicas
 * sharing a node share its stream only in time, which this ignores (each reads at the full rate).
 */
import type { HardwareProfile, ModelSpec } from "../scenario/types.js";
import { weightsBytes } from "./memory.js";
import { nodesPerReplica } from "./placement.js";

/**
 * ESTIMATE, GB/s a node reads weights at: one PCIe Gen4 x4 NVMe drive reads about 7 GB/s
 * sequentially (vendor datasheets of data-centre drives), and a GPU's PCIe Gen5 x16 host link
 * carries 64 GB/s one way (PCI-SIG); loading safetensors through the page cache from one drive is
 * the common case, so 8 GB/s, well under the link. Profiles override it.
 */
export const DEFAULT_WEIGHT_LOAD_GB_PER_S = 8;

/**
 * ESTIMATE, s a serving engine takes to start besides reading weights: vLLM profiles memory,
 * allocates the KV cache and captures CUDA graphs for its batch sizes before serving; its logs
 * show tens of seconds for these on H100-class GPUs. 30 s; profiles override it.
 */
export const DEFAULT_STARTUP_S = 30;

export function loadSeconds(profile: HardwareProfile, model: ModelSpec): number {
  const rate = (profile.weightLoadGbPerS ?? DEFAULT_WEIGHT_LOAD_GB_PER_S) * 1e9;
  return (
    weightsBytes(model) / (rate * nodesPerReplica(profile, model)) + (profile.startupS ?? DEFAULT_STARTUP_S)
  );
}

/** Accelerators one replica of `model` takes from a pool of `profile` nodes (whole nodes when it spans them). */
export function replicaFootprint(profile: HardwareProfile, model: ModelSpec): number {
  const per = model.acceleratorsPerReplica;
  return per <= profile.acceleratorsPerNode
    ? per
    : nodesPerReplica(profile, model) * profile.acceleratorsPerNode;
}
