/**
 * A step replica's waiting line: request slots in FCFS order in a ring buffer that doubles when
 * full. Arrivals join at the tail; a request preempted for KV blocks goes back to the head.
 */
export class WaitingLine {
  private q: Int32Array;
  private first = 0;
  /** Requests waiting. */
  size = 0;

  constructor(capacity: number) {
    this.q = new Int32Array(capacity);
  }

  /** The k-th request from the head (k < size). */
  at(k: number): number {
    return this.q[this.slot(k)];
  }

  /** The head of the line (size > 0). */
  head(): number {
    return this.q[this.first];
  }

  /** Drops the head. */
  shift(): void {
    this.first = this.slot(1);
    this.size--;
  }

  push(r: number): void {
    if (this.size === this.q.length) this.grow();
    this.q[this.slot(this.size)] = r;
    this.size++;
  }

  pushFront(r: number): void {
    if (this.size === this.q.length) this.grow();
    this.first = this.first === 0 ? this.q.length - 1 : this.first - 1;
    this.q[this.first] = r;
    this.size++;
  }

  /** Takes the k-th request out, the ones behind it moving up. */
  removeAt(k: number): void {
    for (let j = k; j < this.size - 1; j++) this.q[this.slot(j)] = this.q[this.slot(j + 1)];
    this.size--;
  }

  clear(): void {
    this.size = 0;
    this.first = 0;
  }

  private slot(k: number): number {
    const p = this.first + k;
    return p >= this.q.length ? p - this.q.length : p;
  }

  private grow(): void {
    const next = new Int32Array(this.q.length * 2);
    for (let k = 0; k < this.size; k++) next[k] = this.q[this.slot(k)];
    this.q = next;
    this.first = 0;
  }
}
