/**
 * The reference the hot loop is measured against: the same M/M/c model run by the plainest fast
 * loop JavaScript allows (a binary heap over typed arrays, two events per customer, one FIFO), in
 * the same process. Its speed moves with the machine; the engine's ratio to it is what stays stable.
 */
import seedrandom from "seedrandom";

export interface ReferenceResult {
  events: number;
  seconds: number;
  meanWait: number;
}

export function referenceMmc(
  c: number,
  lambda: number,
  mu: number,
  arrivals: number,
  seed = 1,
): ReferenceResult {
  const rng = seedrandom.xor4096(String(seed));
  const cap = 1 << 12;
  const times = new Float64Array(cap);
  const kinds = new Int32Array(cap); // 0 arrival, 1 departure
  let n = 0;
  const push = (t: number, k: number) => {
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p] <= t) break;
      times[i] = times[p];
      kinds[i] = kinds[p];
      i = p;
    }
    times[i] = t;
    kinds[i] = k;
  };
  let topT = 0;
  let topK = 0;
  const pop = () => {
    topT = times[0];
    topK = kinds[0];
    const last = --n;
    const t = times[last];
    const k = kinds[last];
    let i = 0;
    for (;;) {
      let ch = 2 * i + 1;
      if (ch >= last) break;
      if (ch + 1 < last && times[ch + 1] < times[ch]) ch++;
      if (times[ch] >= t) break;
      times[i] = times[ch];
      kinds[i] = kinds[ch];
      i = ch;
    }
    times[i] = t;
    kinds[i] = k;
  };
  const queue = new Float64Array(1 << 22);
  let qHead = 0;
  let qTail = 0;
  const mask = queue.length - 1;
  let busy = 0;
  let created = 0;
  let events = 0;
  let waitSum = 0;
  let served = 0;
  const start = performance.now();
  push(-Math.log(1 - rng()) / lambda, 0);
  created = 1;
  while (n > 0) {
    pop();
    events++;
    const now = topT;
    if (topK === 0) {
      if (created < arrivals) {
        push(now - Math.log(1 - rng()) / lambda, 0);
        created++;
      }
      if (busy < c) {
        busy++;
        served++;
        push(now - Math.log(1 - rng()) / mu, 1);
      } else {
        queue[qTail++ & mask] = now;
      }
    } else if (qHead < qTail) {
      waitSum += now - queue[qHead++ & mask];
      served++;
      push(now - Math.log(1 - rng()) / mu, 1);
    } else {
      busy--;
    }
  }
  return { events, seconds: (performance.now() - start) / 1000, meanWait: waitSum / served };
}
