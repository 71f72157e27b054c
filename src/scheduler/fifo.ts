/**
 * A growable FIFO ring of int32 ids (request indices): queues at the router and at replicas, and
 * a step replica's waiting line (where a request preempted for KV blocks goes back to the head).
 */
export class IntFifo {
  private buf: Int32Array;
  private head = 0;
  size = 0;

  /** `capacity` is rounded up to a power of two (the ring wraps with a mask). */
  constructor(capacity = 16) {
    this.buf = new Int32Array(2 ** Math.ceil(Math.log2(Math.max(1, capacity))));
  }

  push(v: number): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = v;
    this.size++;
  }

  /** Puts v at the head, before everything queued. */
  pushFront(v: number): void {
    if (this.size === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = v;
    this.size++;
  }

  peek(): number {
    return this.buf[this.head];
  }

  /** The k-th id from the head (k < size). */
  at(k: number): number {
    return this.buf[(this.head + k) & (this.buf.length - 1)];
  }

  shift(): number {
    const v = this.buf[this.head];
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return v;
  }

  /** Takes the k-th id out, the ones behind it moving up. */
  removeAt(k: number): void {
    const mask = this.buf.length - 1;
    for (let j = k; j < this.size - 1; j++)
      this.buf[(this.head + j) & mask] = this.buf[(this.head + j + 1) & mask];
    this.size--;
  }

  /** Empties the queue, calling `fn` on each id in order. */
  drain(fn: (v: number) => void): void {
    while (this.size > 0) fn(this.shift());
  }

  clear(): void {
    this.size = 0;
    this.head = 0;
  }

  private grow(): void {
    const cap = this.buf.length * 2;
    const b = new Int32Array(cap);
    for (let i = 0; i < this.size; i++) b[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
    this.buf = b;
    this.head = 0;
  }
}
