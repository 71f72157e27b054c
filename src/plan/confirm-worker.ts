/**
 * Worker-thread entry of the planner's confirmation (confirm.ts): runs the seeds it claims of one
 * candidate fleet and posts back each seed's result (src/run/thread-worker.ts does the claiming).
 */
import type { Claims } from "../run/thread-pool.js";
import { serveClaims } from "../run/thread-worker.js";
import type { PlanTarget, Scenario } from "../scenario/types.js";
import { runSeed, type SeedResult } from "./confirm-seed.js";

/** One fleet's confirmation: its scenario, seeds and targets, with the shared claim state. */
export interface ConfirmTask extends Claims {
  scenario: Scenario;
  seeds: number[];
  targets: PlanTarget[];
}

serveClaims<ConfirmTask, SeedResult>(
  async (data) => async (i) => runSeed(data.scenario, data.seeds[i], data.targets),
);
