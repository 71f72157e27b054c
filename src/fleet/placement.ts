/**
 * Placing model replicas on nodes: how many replicas n nodes hold (packing small models,
 * spanning whole nodes for large ones), and why a model cannot be placed on a profile.
 */
import type { HardwareProfile, ModelSpec } from "../scenario/types.js";
import {
  BYTES_PER_MEMORY_GB,
  MIN_REQUEST_CONTEXT_TOKENS,
  replicaMemoryBytes,
  USABLE_MEMORY_FRACTION,
  weightsBytes,
} from "./memory.js";

/** Nodes one replica occupies: 1 when it fits inside a node (possibly with others), else whole nodes. */
export function nodesPerReplica(profile: HardwareProfile, model: ModelSpec): number {
  return Math.max(1, Math.ceil(model.acceleratorsPerReplica / profile.acceleratorsPerNode));
}

/**
 * Replicas that `nodes` nodes hold: n * accelerators_per_node / accelerators_per_replica (floored)
 * when a replica fits in a node; floor(n / nodes per replica) when it spans nodes.
 */
export function replicasPerNodes(profile: HardwareProfile, model: ModelSpec, nodes: number): number {
  const perReplica = model.acceleratorsPerReplica;
  if (perReplica <= profile.acceleratorsPerNode) {
    return Math.floor((nodes * profile.acceleratorsPerNode) / perReplica);
  }
  return Math.floor(nodes / nodesPerReplica(profile, model));
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Why `model` cannot be placed on `profile` (a sentence naming both), or null when it can. */
export function fitProblem(profile: HardwareProfile, model: ModelSpec): string | null {
  const acc = model.acceleratorsPerReplica;
  const perNode = profile.acceleratorsPerNode;
  if (!Number.isInteger(acc) || acc < 1) {
    return `${model.id} has accelerators_per_replica ${acc}, which must be a whole number >= 1`;
  }
  if (acc > perNode && profile.kind === "cobalt") {
    // CPU nodes have no accelerator fabric to run tensor parallelism across machines.
    return `${model.id} spans ${acc} accelerators but a ${profile.id} node has ${perNode} and a CPU replica cannot span nodes`;
  }
  if (acc > perNode && acc % perNode !== 0) {
    return `${model.id} spans ${acc} accelerators; on ${profile.id} (${perNode} per node) a replica larger than a node must use whole nodes, a multiple of ${perNode}`;
  }
  const replica = `a replica of ${acc} x ${profile.accelerator}`;
  const total = replicaMemoryBytes(profile, model);
  const usable = total * USABLE_MEMORY_FRACTION;
  const weights = weightsBytes(model);
  if (weights > usable) {
    const gib = (total / BYTES_PER_MEMORY_GB).toFixed(1);
    return `${model.id} needs ${gb(weights)} for weights but ${replica} has ${gb(total)} (${gib} GiB; ${gb(usable)} usable)`;
  }
  const oneRequest = MIN_REQUEST_CONTEXT_TOKENS * model.kvBytesPerToken;
  if (weights + oneRequest > usable) {
    return `${model.id} needs ${gb(weights)} for weights plus ${gb(oneRequest)} of KV cache for one ${MIN_REQUEST_CONTEXT_TOKENS}-token request but ${replica} has ${gb(usable)} usable`;
  }
  return null;
}
