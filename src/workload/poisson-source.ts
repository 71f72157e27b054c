/**
 * Poisson arrivals (optionally switched on and off: an MMPP) with a time-varying rate, drawn
 * exactly by thinning. Time is cut into segments at whole UTC hours, on/off switches, and the
 * horizon; on each segment candidates come at the constant rate B (an upper bound of the rate
 * there) and each is kept with probability rate(t) / B. Restarting at a segment end is exact
 * because exponential gaps are memoryless.
 *
 * B covers the multipliers only when they exceed 1 (B = max base rate * max(1, max factor)), so
 * multipliers below 1 change no candidate and no draw: the arrivals kept under a factor f <= 1
 * are a subset of those kept under 1, each kept with probability f (common random numbers).
 */
import type { RandomStream } from "../engine/random.js";
import type { MultiplierSchedule } from "./multiplier-schedule.js";
import { firstHourEnd, type RateProfile } from "./rate-profile.js";
import type { RequestDraw, RequestSource } from "./source.js";
import type { WorkloadStreams } from "./streams.js";
import type { TokenSampler } from "./token-sampler.js";

export interface OnOff {
  onMean: number;
  offMean: number;
}

export class PoissonSource implements RequestSource {
  readonly needsRefill = false;
  private readonly arrivals: RandomStream;
  private readonly thinning: RandomStream;
  private readonly onOffRng: RandomStream;
  private t = 0;
  private done = false;
  private hourEnd: number;
  /** End of the current segment and the candidate rate on it. */
  private segEnd = 0;
  private bound = 0;
  /** Current multiplier step and where it ends. */
  private step = 0;
  private stepEnd = 0;
  private on = true;
  private switchAt = Number.POSITIVE_INFINITY;
  /**
   * A constant base rate and no multiplier: every candidate is kept (u * B < B for every u < 1), so
   * no thinning uniform is drawn and no rate evaluated. The arrivals are exactly those of the
   * general path, and the thinning stream is never used, so a variant of the scenario that adds a
   * multiplier keeps a subset of these arrivals (common random numbers still hold).
   */
  private readonly flat: boolean;

  constructor(
    private readonly profile: RateProfile,
    private readonly schedule: MultiplierSchedule,
    private readonly horizon: number,
    streams: WorkloadStreams,
    private readonly prompt: TokenSampler,
    private readonly output: TokenSampler,
    private readonly onOff: OnOff | null,
    startMs: number,
  ) {
    this.arrivals = streams.arrivals;
    this.thinning = streams.thinning;
    this.onOffRng = streams.onOff;
    this.hourEnd = firstHourEnd(startMs);
    if (onOff) {
      // Start in the stationary distribution; the first period's remaining length is again
      // exponential (memoryless), so the switching process is stationary from t = 0.
      this.on = this.onOffRng.next() < onOff.onMean / (onOff.onMean + onOff.offMean);
      this.switchAt = this.periodLength();
    }
    this.flat = profile.amplitude === 0 && profile.kappa === 0 && schedule.steps === 1;
    this.step = schedule.stepAt(0);
    this.stepEnd = schedule.endOfStep(this.step);
    this.startSegment();
  }

  private periodLength(): number {
    const mean = this.on ? this.onOff!.onMean : this.onOff!.offMean;
    return -mean * Math.log(1 - this.onOffRng.next());
  }

  /** Sets up the segment starting at this.t, skipping stretches with nothing to draw. */
  private startSegment(): void {
    for (;;) {
      const t = this.t;
      if (t >= this.horizon) {
        this.done = true;
        return;
      }
      while (this.hourEnd <= t) this.hourEnd += 3600;
      while (this.switchAt <= t) {
        this.on = !this.on;
        this.switchAt += this.periodLength();
      }
      while (this.stepEnd <= t) this.stepEnd = this.schedule.endOfStep(++this.step);
      if (this.schedule.zeroFromStep(this.step)) {
        this.done = true;
        return;
      }
      const end = Math.min(this.hourEnd, this.switchAt, this.horizon);
      this.segEnd = end;
      if (this.on) {
        this.bound = this.profile.maxRate(t, end) * Math.max(1, this.schedule.maxFactorOn(t, end));
        if (this.bound > 0) return;
      }
      this.t = end;
    }
  }

  next(out: RequestDraw): boolean {
    return this.flat ? this.nextFlat(out) : this.nextThinned(out);
  }

  /**
   * Moves `t` to the next candidate time at the bound rate (segments advanced as needed); false
   * when none is left. The time stays in the field: a float returned from a call V8 does not
   * inline is boxed, an allocation per arrival.
   */
  private candidate(): boolean {
    while (!this.done) {
      const t = this.t - Math.log(1 - this.arrivals.next()) / this.bound;
      if (t < this.segEnd) {
        this.t = t;
        return true;
      }
      this.t = this.segEnd;
      this.startSegment();
    }
    return false;
  }

  /** Constant rate, no multiplier: every candidate is an arrival (see `flat`). */
  private nextFlat(out: RequestDraw): boolean {
    if (!this.candidate()) return false;
    out.time = this.t;
    out.promptTokens = this.prompt.draw();
    out.outputTokens = this.output.draw();
    return true;
  }

  /** Each candidate kept with probability rate(t) / bound. */
  private nextThinned(out: RequestDraw): boolean {
    for (;;) {
      if (!this.candidate()) return false;
      const t = this.t;
      while (this.stepEnd <= t) this.stepEnd = this.schedule.endOfStep(++this.step);
      const rate = this.profile.rate(t) * this.schedule.factorOfStep(this.step);
      if (this.thinning.next() * this.bound < rate) {
        out.time = t;
        out.promptTokens = this.prompt.draw();
        out.outputTokens = this.output.draw();
        return true;
      }
    }
  }

  async refill(): Promise<void> {}

  async close(): Promise<void> {}
}
