/**
 * The CI regression gate: the hot loop's speed as a ratio to the reference heap loop run in the
 * same process (absolute speeds drift 10-30 % on shared machines; the ratio does not), compared
 * with the committed baseline. Fails when the ratio falls more than `tolerance` below it.
 */
export interface GateVerdict {
  ok: boolean;
  ratio: number;
  baseline: number;
  floor: number;
  message: string;
}

export const DEFAULT_TOLERANCE = 0.25;

export function checkRegression(ratio: number, baseline: number, tolerance = DEFAULT_TOLERANCE): GateVerdict {
  if (!(baseline > 0) || !Number.isFinite(ratio)) {
    return {
      ok: false,
      ratio,
      baseline,
      floor: Number.NaN,
      message: `invalid figures: ratio ${ratio}, baseline ${baseline}`,
    };
  }
  const floor = baseline * (1 - tolerance);
  const ok = ratio >= floor;
  const pct = ((ratio / baseline - 1) * 100).toFixed(1);
  const message = ok
    ? `hot loop ratio ${ratio.toFixed(3)} vs baseline ${baseline.toFixed(3)} (${pct} %): ok (floor ${floor.toFixed(3)})`
    : `hot loop ratio ${ratio.toFixed(3)} is ${pct} % against baseline ${baseline.toFixed(3)}: below the floor ${floor.toFixed(3)} (more than ${tolerance * 100} % slower)`;
  return { ok, ratio, baseline, floor, message };
}
