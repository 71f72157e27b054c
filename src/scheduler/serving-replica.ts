/**
 * The replicas the router and the request-level run drive: the continuous-batching replica with
 * prefill pauses (scheduler.prefill: pause) and the step-level vLLM V1 replica (chunked).
 */
import type { Replica } from "./replica.js";
import type { StepReplica } from "./step-replica.js";

export type ServingReplica = Replica | StepReplica;
