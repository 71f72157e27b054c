/** Pools whose replicas the autoscaler places (named by a policy): their nodes form one shared stock. */
import type { Scenario } from "./types.js";

export function managedPoolIds(s: Scenario): Set<string> {
  return new Set((s.autoscaling?.policies ?? []).flatMap((p) => p.pools));
}
