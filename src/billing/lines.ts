/**
 * The line items billing produces. Every output file is a grouping of these lines, so every file
 * adds up to the same totals: revenue lines say who paid, for what, served by which pool and model,
 * in which report interval; cost lines say which pool's cost is charged to which model.
 */
import type { Micro } from "./money.js";

/** Model index standing for a pool's idle capacity (unused cost, capacity revenue of idle time). */
export const IDLE = -1;

/**
 * What a revenue line bills: usage under each contract type, the top-up of a commitment that usage
 * did not reach, and the (negative) credit of a missed SLA.
 */
export type RevenueKind = "token" | "capacity" | "on_demand" | "spot" | "commitment" | "sla_credit";

export interface RevenueLine {
  kind: RevenueKind;
  interval: number;
  tenant: number;
  /** Tenant x requested-model statistics row the line is billed on (-1: the tenant has none). */
  statRow: number;
  pool: number;
  /** Model index, or IDLE. */
  model: number;
  revenue: Micro;
  /** Part of `revenue` paid on to the model's owner (token usage only). */
  ownerShare: Micro;
}

export interface CostLine {
  interval: number;
  pool: number;
  /** Model index, or IDLE. */
  model: number;
  cost: Micro;
}
