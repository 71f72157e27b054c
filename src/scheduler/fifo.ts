/** A growable FIFO ring of int32 ids (request indices): queues at the router and at replicas. */
export class IntFifo {
  private buf: Int32Array;
  private head = 0;
  size = 0;

  constructor(capacity = 16) {
    this.buf = new Int32Array(capacity);
  }

  push(v: number): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = v;
    this.size++;
  }

  peek(): number {
    return this.buf[this.head];
  }

  shift(): number {
    const v = this.buf[this.head];
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return v;
  }

  /** Empties the queue, calling `fn` on each id in order. */
  drain(fn: (v: number) => void): void {
    while (this.size > 0) fn(this.shift());
  }

  private grow(): void {
    const cap = this.buf.length * 2;
    const b = new Int32Array(cap);
    for (let i = 0; i < this.size; i++) b[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
    this.buf = b;
    this.head = 0;
  }
}
