/**
 * The simulated clock and run loop. Knows nothing of what events mean: the domain registers one
 * handler and schedules events as (time, kind, id). The loop runs in slices so a caller can
 * refill streamed inputs, draw a progress bar or notice an interrupt between slices.
 */
import { EventQueue } from "./event-queue.js";

export interface EventHandler {
  /** Handles one event; `sim.now` is already its time. */
  handle(kind: number, id: number): void;
}

export class Simulator {
  readonly queue = new EventQueue(4096);
  now = 0;
  events = 0;
  /** Set by the domain to end the current slice early (e.g. a streamed source needs a refill). */
  yieldRequested = false;

  schedule(time: number, kind: number, id: number): void {
    if (time < this.now) throw new Error(`event scheduled in the past: ${time} < ${this.now}`);
    this.queue.push(time, kind, id);
  }

  /**
   * Processes events in time order while their time is below `limit`, for at most `maxEvents`
   * events or until the handler sets `yieldRequested`. Returns true when no event remains
   * before `limit` (the clock is then left at the last event's time).
   */
  runSlice(limit: number, handler: EventHandler, maxEvents: number): boolean {
    const q = this.queue;
    this.yieldRequested = false;
    let n = 0;
    while (n < maxEvents) {
      if (!q.popBefore(limit)) {
        this.events += n;
        return true;
      }
      this.now = q.time;
      handler.handle(q.kind, q.id);
      n++;
      if (this.yieldRequested) break;
    }
    this.events += n;
    return q.peekTime() >= limit;
  }
}
