/**
 * Erlang C: the M/M/c queue with c servers, Poisson arrivals at rate lambda and exponential service
 * of mean s. With offered load a = lambda s < c, the probability that an arrival waits is
 *   C(c, a) = B(c, a) / (1 - (a / c)(1 - B(c, a)))
 * (B: Erlang B, by its stable recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))), and the wait
 * is exponential beyond 0: P(W > t) = C(c, a) exp(-(c / s - lambda) t). Kleinrock, Queueing
 * Systems vol. 1 (1975), section 3.5.
 */

/** Probability that an arrival waits; 1 when the queue is unstable (a >= c). */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b / (1 - (a / c) * (1 - b));
}

/** The q-quantile of the wait (s), 0 when fewer than 1 - q wait; Infinity when unstable. */
export function erlangCWaitQuantile(c: number, lambda: number, meanService: number, q: number): number {
  const a = lambda * meanService;
  if (lambda <= 0) return 0;
  if (a >= c) return Number.POSITIVE_INFINITY;
  const p = erlangC(c, a);
  if (p <= 1 - q) return 0;
  return Math.log(p / (1 - q)) / (c / meanService - lambda);
}

/** P(W > x): the probability that an arrival waits more than x seconds; 1 when unstable. */
export function erlangCWaitTail(c: number, lambda: number, meanService: number, x: number): number {
  if (lambda <= 0) return 0;
  const a = lambda * meanService;
  if (a >= c) return 1;
  const p = erlangC(c, a);
  return x <= 0 ? p : p * Math.exp(-(c / meanService - lambda) * x);
}
