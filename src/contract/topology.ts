/**
 * The fleet as the simulation sees it: replica groups (one per pool x model), their replicas laid
 * out contiguously, and per group the service curve that sets the replicas' speed and memory.
 */

import { InputError } from "../errors.js";
import { blocksFor } from "../fleet/kv-blocks.js";
import { MIN_REQUEST_CONTEXT_TOKENS } from "../fleet/memory.js";
import { fitProblem, replicasPerNodes } from "../fleet/placement.js";
import { type ServiceCurve, serviceCurve } from "../fleet/service-model.js";
import { type StepServing, stepServiceCurve } from "../fleet/step-curve.js";
import { servingSetup, vllmBatchDefaults } from "../fleet/step-setup.js";
import { TableStepTime } from "../fleet/step-table.js";
import { fieldProblem } from "../scenario/field-problem.js";
import { managedPoolIds } from "../scenario/managed-pools.js";
import type { HardwareProfile, ModelSpec, PoolSpec, Scenario } from "../scenario/types.js";

export interface ReplicaGroup {
  index: number;
  pool: PoolSpec;
  poolIndex: number;
  profile: HardwareProfile;
  model: ModelSpec;
  modelIndex: number;
  /** Nodes serving this model at the start. */
  initialNodes: number;
  /** Largest node count this group reaches over the build-out plan (sizes the replica slots). */
  peakNodes: number;
  /** First replica index of the group; replicas are firstReplica .. firstReplica + slots - 1. */
  firstReplica: number;
  slots: number;
  /** Accelerators one replica spans (its share of a pool's cost follows this). */
  acceleratorsPerReplica: number;
  curve: ServiceCurve;
  /** Step-level service (scheduler.prefill: chunked), null under prefill: pause. */
  serving: StepServing | null;
}

export interface Topology {
  groups: ReplicaGroup[];
  replicaCount: number;
  /** Group indices per pool. */
  groupsByPool: number[][];
  /** Group indices per model. */
  groupsByModel: number[][];
}

/** Mean context (prompt + output tokens) per model, from the workloads that send to it. */
export type ContextByModel = Map<string, number>;

const DEFAULT_CONTEXT_TOKENS = 1024 + 256;

export function buildTopology(s: Scenario, contextByModel: ContextByModel): Topology {
  const profiles = new Map(s.profiles.map((p) => [p.id, p]));
  const modelIndex = new Map(s.models.map((m, i) => [m.id, i]));
  const groups: ReplicaGroup[] = [];
  const groupsByPool: number[][] = s.fleet.pools.map(() => []);
  const groupsByModel: number[][] = s.models.map(() => []);
  const problems: InputError["problems"] = [];
  let replicaCount = 0;

  const managed = managedPoolIds(s);
  s.fleet.pools.forEach((pool, pi) => {
    const profile = profiles.get(pool.profile);
    if (!profile) throw new Error(`profile ${pool.profile} was not resolved by the loader`);
    const models = new Map<string, { initial: number; path: string }>();
    pool.serves.forEach((sv, si) => {
      const prev = models.get(sv.model);
      models.set(sv.model, {
        initial: (prev?.initial ?? 0) + sv.nodes,
        path: `fleet.pools.${pi}.serves.${si}.model`,
      });
    });
    s.fleet.changes.forEach((c, ci) => {
      if (c.pool === pool.id && !models.has(c.model)) {
        models.set(c.model, { initial: 0, path: `fleet.changes.${ci}.model` });
      }
    });
    for (const [modelId, { initial, path }] of models) {
      const mi = modelIndex.get(modelId);
      if (mi === undefined) throw new Error(`model ${modelId} was not resolved by the loader`);
      const model = s.models[mi];
      const why = fitProblem(profile, model);
      if (why) {
        problems.push({
          file: s.file,
          line: s.lines[path],
          path,
          message: `model ${model.id} does not fit on pool ${pool.id} (${profile.id}): ${why}`,
        });
        continue;
      }
      let nodes = initial;
      let peak = initial;
      for (const c of s.fleet.changes) {
        if (c.pool !== pool.id || c.model !== modelId) continue;
        nodes = Math.max(0, nodes + c.deltaNodes);
        peak = Math.max(peak, nodes);
      }
      // Under the autoscaler any of the pool's nodes, up to its largest size, may hold this model.
      const slots = managed.has(pool.id)
        ? replicasPerNodes(profile, model, pool.scaling?.maxNodes ?? pool.nodes)
        : replicasPerNodes(profile, model, peak);
      const meanContextTokens = contextByModel.get(modelId) ?? DEFAULT_CONTEXT_TOKENS;
      let curve: ServiceCurve;
      let serving: StepServing | null = null;
      // a batch-only table is a measurement of a server as it ran: it keeps the curve it gives;
      // step tables (with a context axis) give the step replica its step times
      const measured = profile.performance.find((x) => x.model === model.id);
      if (s.scheduler.prefill === "chunked" && (measured === undefined || measured.steps !== undefined)) {
        const sc = s.scheduler;
        // vLLM's defaults depend on the hardware: a limit not given is the pool's profile's
        const limits = vllmBatchDefaults(
          profile,
          model.acceleratorsPerReplica,
          sc.maxNumBatchedTokens ?? undefined,
        );
        const maxNumSeqs = sc.maxNumSeqs ?? limits.maxNumSeqs;
        if (maxNumSeqs > limits.maxNumBatchedTokens) {
          const message = `max_num_seqs (${maxNumSeqs}) must not exceed max_num_batched_tokens (${limits.maxNumBatchedTokens}, vLLM's default for pool ${pool.id}'s ${profile.accelerator}): every running request decodes one token a step; give max_num_batched_tokens`;
          // once per pool, not once per model it serves
          if (!problems.some((p) => p.message === message)) {
            problems.push(fieldProblem(s, "scheduler.max_num_seqs", message));
          }
          continue;
        }
        const setup = servingSetup(profile, model, {
          maxNumBatchedTokens: limits.maxNumBatchedTokens,
          // scheduler.max_batch (and a table's max_batch) caps the running batch of a step replica too
          maxNumSeqs: Math.min(
            maxNumSeqs,
            sc.maxBatch ?? Number.POSITIVE_INFINITY,
            measured?.maxBatch ?? Number.POSITIVE_INFINITY,
          ),
          blockSize: sc.blockSize,
          gpuMemoryUtilization: sc.gpuMemoryUtilization,
          preemption: sc.preemption,
          longPrefillTokenThreshold: sc.longPrefillTokenThreshold,
          ...(sc.swapSpaceBytes !== null && { swapSpaceBytes: sc.swapSpaceBytes }),
        });
        if (setup.kvBlocks < blocksFor(MIN_REQUEST_CONTEXT_TOKENS, setup.blockSize)) {
          problems.push(
            fieldProblem(
              s,
              path,
              `model ${model.id} on pool ${pool.id} (${profile.id}): ${setup.kvBlocks} KV blocks of ${setup.blockSize} tokens are left after weights and activations at gpu_memory_utilization ${sc.gpuMemoryUtilization}, too few for one request of ${MIN_REQUEST_CONTEXT_TOKENS} tokens`,
            ),
          );
          continue;
        }
        serving = {
          stepModel: measured?.steps ? new TableStepTime(setup.stepModel, measured.steps) : setup.stepModel,
          kvBlocks: setup.kvBlocks,
          blockSize: setup.blockSize,
          maxNumBatchedTokens: setup.maxNumBatchedTokens,
          maxNumSeqs: setup.maxNumSeqs,
          kvBytesPerToken: model.kvBytesPerToken,
          preemption: setup.preemption,
          longPrefillTokenThreshold: setup.longPrefillTokenThreshold,
          swapBandwidthBytesPerS: setup.swapBandwidthBytesPerS,
          hostKvBlocks: setup.hostKvBlocks,
        };
        curve = stepServiceCurve(serving, model, meanContextTokens, sc.maxBatch);
      } else {
        curve = serviceCurve(profile, model, { meanContextTokens, maxBatchCap: s.scheduler.maxBatch });
      }
      const g: ReplicaGroup = {
        index: groups.length,
        pool,
        poolIndex: pi,
        profile,
        model,
        modelIndex: mi,
        initialNodes: initial,
        peakNodes: peak,
        firstReplica: replicaCount,
        slots,
        acceleratorsPerReplica: model.acceleratorsPerReplica,
        curve,
        serving,
      };
      replicaCount += slots;
      groups.push(g);
      groupsByPool[pi].push(g.index);
      groupsByModel[mi].push(g.index);
    }
  });
  if (problems.length > 0) throw new InputError(problems);
  return { groups, replicaCount, groupsByPool, groupsByModel };
}

/** Replicas a group holds with `nodes` nodes (its slots cap it). */
export function replicasAt(g: ReplicaGroup, nodes: number): number {
  return Math.min(g.slots, replicasPerNodes(g.profile, g.model, nodes));
}
