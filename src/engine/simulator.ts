/**
 * The simulated clock and run loop. Knows nothing of what events mean: the domain registers one
 * handler and schedules events as (time, kind, id). The loop runs in slices so a caller can
 * refill streamed inputs, draw a progress bar or notice an interrupt between slices.
 */
import { EventQueue } from "./event-queue.js";

/** The simulated time, for parts of the domain that read it rather than being passed it. */
export interface Clock {
  readonly now: number;
}

export interface EventHandler {
  /** Handles one event; `sim.now` is already its time. */
  handle(kind: number, id: number): void;
}

/**
 * Two queues popped as one (same order, same tie-break): `queue` for most events and `streams` for
 * events that are each the only pending one of a stream, such as each source's next arrival. The
 * stream events are the most frequent and come soonest, so in one heap they would sift through
 * every other pending event on each push and pop; beside a small queue of their own they sift
 * through the other streams only.
 */
export class Simulator implements Clock {
  readonly queue = new EventQueue(4096);
  readonly streams = new EventQueue(64);
  now = 0;
  events = 0;
  /** Set by the domain to end the current slice early (e.g. a streamed source needs a refill). */
  yieldRequested = false;

  /**
   * The time of the event the next scheduleAt() or scheduleStreamAt() adds. Hot paths schedule by
   * setting it and passing integers only, which never boxes the time (see EventQueue.add).
   */
  at = Number.NaN;

  /**
   * Schedules an event at `time`, not before now: an event in the past is caught as it pops,
   * where it would move the clock back, which is as soon as anything could notice it.
   */
  schedule(time: number, kind: number, id: number): void {
    this.queue.push(time, kind, id);
  }

  /** Schedules an event at `at` (as schedule() does, without passing a float). */
  scheduleAt(kind: number, id: number): void {
    const q = this.queue;
    q.pending = this.at;
    q.add(kind, id);
  }

  /**
   * Schedules a stream's next event (see `streams`) at `at`; it pops in the same order as by
   * schedule(). Stream events come from the hot paths only, so there is no form with a time argument.
   */
  scheduleStreamAt(kind: number, id: number): void {
    const q = this.streams;
    q.pending = this.at;
    q.add(kind, id);
  }

  private past(time: number): never {
    throw new Error(`event scheduled in the past: ${time} < ${this.now}`);
  }

  /** Time of the earliest pending event of either queue, Infinity when none. */
  peekTime(): number {
    return Math.min(this.queue.peekTime(), this.streams.peekTime());
  }

  /**
   * Processes events in time order while their time is below `limit`, for at most `maxEvents`
   * events or until the handler sets `yieldRequested`. Returns true when no event remains
   * before `limit` (the clock is then left at the last event's time).
   */
  runSlice(limit: number, handler: EventHandler, maxEvents: number): boolean {
    const main = this.queue;
    const streams = this.streams;
    this.yieldRequested = false;
    let n = 0;
    while (n < maxEvents) {
      const q = streams.precedes(main) ? streams : main;
      if (!q.popBefore(limit)) {
        this.events += n;
        return true;
      }
      if (q.time < this.now) this.past(q.time);
      this.now = q.time;
      handler.handle(q.kind, q.id);
      n++;
      if (this.yieldRequested) break;
    }
    this.events += n;
    return this.peekTime() >= limit;
  }
}
