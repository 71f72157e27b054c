/**
 * Evenly spaced arrivals under a time-varying rate, by time rescaling: with Lambda(t) the
 * integral of the rate (multipliers included), the k-th arrival (k = 0, 1, ...) is where
 * Lambda(t) = k + U, U uniform in [0, 1) drawn once from the arrivals stream. At a constant rate r
 * the first arrival is at U / r and the gaps are exactly 1 / r; the random phase keeps many
 * constant workloads from all firing at t = 0 and makes the expected count exactly Lambda(horizon).
 * Segments are cut at whole UTC hours and multiplier steps; the crossing within a segment is
 * found by safeguarded Newton iteration on the closed-form integral.
 */
import type { MultiplierSchedule } from "./multiplier-schedule.js";
import { firstHourEnd, type RateProfile } from "./rate-profile.js";
import type { RequestDraw, RequestSource } from "./source.js";
import type { WorkloadStreams } from "./streams.js";
import type { TokenSampler } from "./token-sampler.js";

export class ConstantSource implements RequestSource {
  readonly needsRefill = false;
  private done = false;
  private hourEnd: number;
  private step = 0;
  /** Current segment [segStart, segEnd), its multiplier and its integrated rate. */
  private segStart = 0;
  private segEnd = 0;
  private factor = 1;
  private capacity = 0;
  /** Integrated rate from segStart to the next arrival. */
  private need: number;
  private last = 0;
  /** Integrated rate from segStart to `last`. */
  private lastLevel = 0;

  constructor(
    private readonly profile: RateProfile,
    private readonly schedule: MultiplierSchedule,
    private readonly horizon: number,
    streams: WorkloadStreams,
    private readonly prompt: TokenSampler,
    private readonly output: TokenSampler,
    startMs: number,
  ) {
    this.need = streams.arrivals.next();
    this.hourEnd = firstHourEnd(startMs);
    this.enterSegment();
  }

  /** Sets up the segment starting at segStart. */
  private enterSegment(): void {
    const s0 = this.segStart;
    if (s0 >= this.horizon) {
      this.done = true;
      return;
    }
    this.step = this.schedule.stepAt(s0);
    if (this.schedule.zeroFromStep(this.step)) {
      this.done = true;
      return;
    }
    while (this.hourEnd <= s0) this.hourEnd += 3600;
    this.factor = this.schedule.factorOfStep(this.step);
    this.segEnd = Math.min(this.hourEnd, this.schedule.endOfStep(this.step), this.horizon);
    this.capacity = this.factor * this.profile.integral(s0, this.segEnd);
    this.last = s0;
    this.lastLevel = 0;
  }

  next(out: RequestDraw): boolean {
    while (!this.done) {
      if (this.need < this.capacity) {
        const t = this.solve();
        if (t >= this.horizon) break;
        this.last = t;
        this.lastLevel = this.need;
        this.need += 1;
        out.time = t;
        out.promptTokens = this.prompt.draw();
        out.outputTokens = this.output.draw();
        return true;
      }
      this.need -= this.capacity;
      this.segStart = this.segEnd;
      this.enterSegment();
    }
    this.done = true;
    return false;
  }

  /** The t in [last, segEnd] where factor * integral(segStart, t) = need. */
  private solve(): number {
    const s0 = this.segStart;
    const m = this.factor;
    let lo = this.last;
    let hi = this.segEnd;
    // First guess: one Newton step from the last arrival, where the level is known.
    let x = lo + (this.need - this.lastLevel) / (m * this.profile.rate(lo));
    if (!(x >= lo && x <= hi)) x = (lo + hi) / 2;
    const tol = 1e-12 * Math.max(1, Math.abs(hi));
    for (let i = 0; i < 200; i++) {
      const g = m * this.profile.integral(s0, x) - this.need;
      if (g === 0) return x;
      if (g > 0) hi = x;
      else lo = x;
      const step = g / (m * this.profile.rate(x));
      let nx = x - step;
      // Converged: the last Newton step is at the resolution of t (it may not even move x).
      if (Math.abs(step) <= tol) return Math.min(hi, Math.max(lo, nx));
      if (!(nx > lo && nx < hi)) nx = (lo + hi) / 2;
      if (hi - lo <= tol) return nx;
      x = nx;
    }
    return x;
  }

  async refill(): Promise<void> {}

  async close(): Promise<void> {}
}
