/** Commitment shortfall and SLA credit of one tenant, in closed form. */
import { describe, expect, it } from "vitest";
import { adjustmentAmounts } from "../../src/billing/tenant-adjustments.js";
import type { Contract } from "../../src/scenario/types.js";

const contract = (over: Partial<Contract>): Contract => ({
  type: "token",
  discount: 0,
  committedUsd: 0,
  sla: null,
  ...over,
});

describe("adjustmentAmounts", () => {
  it("bills the shortfall of a commitment above usage, and nothing when usage reaches it", () => {
    // committed 1,000 USD, used 640.25 USD: shortfall 359.75 USD
    expect(adjustmentAmounts(640_250_000, contract({ committedUsd: 1000 }), 1)).toEqual({
      shortfall: 359_750_000,
      slaCredit: 0,
    });
    expect(adjustmentAmounts(1_000_000_001, contract({ committedUsd: 1000 }), 1).shortfall).toBe(0);
  });

  it("credits a share of the bill when attainment falls below the target, and only then", () => {
    const sla = { target: 0.99, credit: 0.1 };
    // used 200 USD, attainment 0.95 < 0.99: 10 % of 200 = 20 USD back
    expect(adjustmentAmounts(200_000_000, contract({ sla }), 0.95)).toEqual({
      shortfall: 0,
      slaCredit: 20_000_000,
    });
    expect(adjustmentAmounts(200_000_000, contract({ sla }), 0.99).slaCredit).toBe(0);
    expect(adjustmentAmounts(200_000_000, contract({ sla }), null).slaCredit).toBe(0);
    expect(adjustmentAmounts(200_000_000, contract({}), 0).slaCredit).toBe(0);
  });

  it("credits on the bill including the commitment top-up", () => {
    // committed 500, used 100, missed SLA with 25 % credit: shortfall 400, credit 0.25 x 500 = 125
    const c = contract({ committedUsd: 500, sla: { target: 0.9, credit: 0.25 } });
    expect(adjustmentAmounts(100_000_000, c, 0.5)).toEqual({
      shortfall: 400_000_000,
      slaCredit: 125_000_000,
    });
  });
});
