/** The capacity planner's entry point (`fleetsim plan`): the cheapest fleet that meets every target. */
export type { PlanCandidate, PlanOptions, PlanOutcome, PlanProgress } from "../plan/search.js";
export { planFleet as planScenario } from "../plan/search.js";
