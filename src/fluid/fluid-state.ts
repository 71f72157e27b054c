/**
 * The state the fluid model carries from step to step and what one step does to it.
 *
 * Per flow (workload x group): requests queued q, held h (prefilling or decoding) and arriving a
 * this step. Per group, the step mixes its flows: with In = Q + H + A requests in play and n
 * replicas available, the operating point at the demand (A + Q) / (n dt) per replica gives the
 * new held count H' = n L; unsaturated, the queue empties and C = In - H' complete; saturated,
 * the replicas complete n c dt (c: requests/s of a full replica), the batches fill up to their
 * maximum, the rest waits in the queue up to max_queue_per_replica x n and the excess is rejected. Each flow takes its share of C, the
 * rejections, Q' and H' in proportion to its share of In, so counts are conserved exactly:
 *   arrivals = completed + rejected + (queued + held at the horizon).
 */

import type { Routes } from "../contract/routes.js";
import { firstPriceEpoch, nextPriceEpoch, type PriceEpoch } from "../contract/run-result.js";
import type { Topology } from "../contract/topology.js";
import { emptyOperatingPoint, solveOperatingPoint } from "../fleet/operating-point.js";
import type { IntervalGrid } from "../metrics/interval-grid.js";
import { CACHED_INPUT_TOKENS, REJECTED_TOO_LONG, type TenantModelStats } from "../metrics/tenant-stats.js";
import type { UsageLedger } from "../metrics/usage-ledger.js";
import type { Scenario } from "../scenario/types.js";
import type { WorkloadEstimate } from "../workload/create-source.js";
import { chunkedPrefillDelayS } from "./chunked-prefill-delay.js";
import { availableOf, FluidTimeline } from "./fleet-timeline.js";
import { buildFlows, type FlowLayout } from "./flows.js";
import { ExpectedUsage, WHOLE_FIELDS } from "./whole-usage.js";

export class FluidState {
  readonly timeline: FluidTimeline;
  readonly flows: FlowLayout;
  /** Expected new requests per workload in the current step (set by the caller). */
  readonly arrivals: Float64Array;
  readonly priceEpochs: PriceEpoch[][];
  interrupted = 0;
  inSystemSeconds = 0;
  completedSoFar = 0;

  private readonly present: Int32Array;
  private readonly down: Int32Array;
  readonly avail: Int32Array;
  /** Autoscaling: replicas present per group the autoscaler manages (-1: the timeline decides). */
  readonly scaledPresent: Int32Array;
  /** Per group, since the start: requests completed, available replica-seconds, busy replica-seconds. */
  readonly completedByGroup: Float64Array;
  readonly availableSeconds: Float64Array;
  readonly busySeconds: Float64Array;
  /** Held per replica at the previous step's operating point (warm start of the solver). */
  private readonly lastHeld: Float64Array;
  private readonly newPresent: Int32Array;
  private readonly newDown: Int32Array;
  private readonly q: Float64Array;
  private readonly h: Float64Array;
  private readonly a: Float64Array;
  /** Requests to route again next step, per workload x chain position (outages, empty groups). */
  private readonly reroute: Float64Array;
  private readonly modelEpoch: Int32Array;
  private nextPrice = 0;
  // Per stats row: expected counts and latency sums.
  private readonly requests: Float64Array;
  private readonly rejected: Float64Array;
  /** Of the rejections, the share of arrivals longer than every class of their chain can hold. */
  private readonly rejectedTooLong: Float64Array;
  private readonly sloMet: Float64Array;
  private readonly ttftSum: Float64Array;
  private readonly tpotSum: Float64Array;
  private readonly tpotCount: Float64Array;
  private readonly e2eSum: Float64Array;
  private readonly completed: Float64Array;
  // Per ledger slot, since the last flush.
  private readonly slotRequests: Float64Array;
  private readonly slotInput: Float64Array;
  private readonly slotCached: Float64Array;
  private readonly slotOutput: Float64Array;
  private readonly slotBusy: Float64Array;
  private readonly usage = new ExpectedUsage();
  private readonly slo: Float64Array;
  private readonly op = emptyOperatingPoint();
  /** False inside report intervals a hybrid run simulates request by request (nothing is recorded). */
  private recording = true;

  constructor(
    private readonly s: Scenario,
    private readonly topo: Topology,
    routes: Routes,
    private readonly stats: TenantModelStats[],
    private readonly statOfWorkload: Int32Array,
    estimates: WorkloadEstimate[],
    private readonly grid: IntervalGrid,
    /** Hybrid: 1 for report intervals the request engine covers; the state flows through them unrecorded. */
    private readonly requestIntervals: Uint8Array | null = null,
  ) {
    const G = topo.groups.length;
    const W = routes.workloads.length;
    this.timeline = new FluidTimeline(s, topo);
    this.flows = buildFlows(topo, routes, statOfWorkload, estimates);
    const F = this.flows.count;
    const R = stats.length;
    const slots = this.flows.slotGroup.length;
    this.arrivals = new Float64Array(W);
    this.present = new Int32Array(G);
    this.down = new Int32Array(G);
    this.avail = new Int32Array(G);
    this.scaledPresent = new Int32Array(G).fill(-1);
    this.completedByGroup = new Float64Array(G);
    this.availableSeconds = new Float64Array(G);
    this.busySeconds = new Float64Array(G);
    this.lastHeld = new Float64Array(G);
    this.newPresent = new Int32Array(G);
    this.newDown = new Int32Array(G);
    this.q = new Float64Array(F);
    this.h = new Float64Array(F);
    this.a = new Float64Array(F);
    this.reroute = new Float64Array(W * this.flows.maxChain);
    this.priceEpochs = s.models.map((m) => [firstPriceEpoch(m.price)]);
    this.modelEpoch = new Int32Array(s.models.length);
    this.requests = new Float64Array(R);
    this.rejected = new Float64Array(R);
    this.rejectedTooLong = new Float64Array(R);
    this.sloMet = new Float64Array(R);
    this.ttftSum = new Float64Array(R);
    this.tpotSum = new Float64Array(R);
    this.tpotCount = new Float64Array(R);
    this.e2eSum = new Float64Array(R);
    this.completed = new Float64Array(R);
    this.slotRequests = new Float64Array(slots);
    this.slotInput = new Float64Array(slots);
    this.slotCached = new Float64Array(slots);
    this.slotOutput = new Float64Array(slots);
    this.slotBusy = new Float64Array(slots);
    // Per workload: SLO ttft (s) and tpot (s), Infinity when none.
    this.slo = new Float64Array(W * 2).fill(Number.POSITIVE_INFINITY);
    routes.workloads.forEach((w, i) => {
      if (w.spec.slo) {
        this.slo[2 * i] = w.spec.slo.ttftS;
        this.slo[2 * i + 1] = w.spec.slo.tpotMs / 1000;
      }
    });
  }

  /** Applies every fleet change, outage and price change in force from time t on. */
  applyChangesAt(t: number): void {
    const prices = this.timeline.prices;
    const tInterval = Math.min(this.grid.intervals - 1, Math.floor(t / this.s.reportInterval + 1e-9));
    const recording = this.requestIntervals === null || this.requestIntervals[tInterval] === 0;
    while (this.nextPrice < prices.length && prices[this.nextPrice].at <= t) {
      const pc = prices[this.nextPrice++];
      if (pc.at >= this.s.horizon) break;
      // Usage so far is billed at the old price: flush the model's slots first.
      const interval = Math.min(this.grid.intervals - 1, Math.floor(t / this.s.reportInterval + 1e-9));
      this.flushSlots(interval, pc.model);
      const cur = this.priceEpochs[pc.model][this.modelEpoch[pc.model]];
      this.priceEpochs[pc.model].push(
        nextPriceEpoch(cur, pc.input, pc.output, this.s.models[pc.model]!.price.cachedInputUsdPerMtok),
      );
      this.modelEpoch[pc.model] = this.priceEpochs[pc.model].length - 1;
    }
    this.timeline.capacityAt(t, this.newPresent, this.newDown);
    for (let g = 0; g < this.newPresent.length; g++) {
      if (this.scaledPresent[g] >= 0) this.newPresent[g] = this.scaledPresent[g];
    }
    const f = this.flows;
    for (let g = 0; g < this.topo.groups.length; g++) {
      const before = this.avail[g];
      const oldDown = this.down[g];
      const newDown = this.newDown[g];
      // Replicas that were up and an outage takes down lose their requests (re-routed, as the
      // request engine's evictions); replicas removed by a fleet change drain what they hold.
      const hit = Math.max(0, Math.min(newDown, this.present[g], this.newPresent[g]) - Math.max(oldDown, 0));
      if (before > 0 && newDown > oldDown && hit > 0) {
        const share = Math.min(1, hit / before);
        for (let k = f.groupStart[g]; k < f.groupStart[g + 1]; k++) {
          const j = f.groupFlows[k];
          const moved = share * (this.q[j] + this.h[j]);
          this.q[j] -= share * this.q[j];
          this.h[j] -= share * this.h[j];
          this.reroute[f.workload[j] * f.maxChain + f.chainPos[j]] += moved;
          if (recording) this.interrupted += moved;
        }
      }
      this.present[g] = this.newPresent[g];
      this.down[g] = newDown;
      this.avail[g] = availableOf(this.present[g], newDown);
    }
  }

  /**
   * Autoscaling: group g has `n` replicas present from now on. Replicas leave at once, their held
   * requests staying with the group's flows (as a drain would finish them); outages in force keep
   * their first slots down.
   */
  setScaledPresent(g: number, n: number): void {
    this.scaledPresent[g] = n;
    this.present[g] = n;
    this.avail[g] = availableOf(n, this.down[g]);
  }

  /** Requests queued (waiting, not held) at group g now. */
  queuedAt(g: number): number {
    let sum = 0;
    const f = this.flows;
    for (let k = f.groupStart[g]; k < f.groupStart[g + 1]; k++) sum += this.q[f.groupFlows[k]];
    return sum;
  }

  /** One step [t0, t1) inside report interval `interval`; arrivals must be set. */
  step(t0: number, t1: number, interval: number): void {
    const dt = t1 - t0;
    this.recording = this.requestIntervals === null || this.requestIntervals[interval] === 0;
    this.route();
    const G = this.topo.groups.length;
    for (let g = 0; g < G; g++) this.stepGroup(g, dt, interval);
  }

  /** Splits each workload's demand over the live groups of the first route class that has any. */
  private route(): void {
    const f = this.flows;
    const W = this.arrivals.length;
    for (let w = 0; w < W; w++) {
      const arriving = this.arrivals[w];
      const st = this.statOfWorkload[w];
      if (this.recording) this.requests[st] += arriving;
      const chain = f.byChain[w];
      const entry = f.lengths.entry[w];
      let carry = 0;
      for (let pos = 0; pos < chain.length; pos++) {
        const r = w * f.maxChain + pos;
        carry += arriving * entry[pos] + this.reroute[r];
        this.reroute[r] = 0;
        if (carry === 0) continue;
        const flowsHere = chain[pos];
        const shares = f.splitShares[w][pos];
        if (shares !== null) {
          carry = this.routeSplit(flowsHere, shares, carry);
          continue;
        }
        let weight = 0;
        for (let k = 0; k < flowsHere.length; k++) {
          const j = flowsHere[k];
          weight += this.avail[f.group[j]] * f.fullRate[j];
        }
        if (weight <= 0) continue; // no live replica: the next model of the chain
        for (let k = 0; k < flowsHere.length; k++) {
          const j = flowsHere[k];
          this.a[j] += (carry * this.avail[f.group[j]] * f.fullRate[j]) / weight;
        }
        carry = 0;
      }
      const tooLong = arriving * f.lengths.tooLong[w];
      if (tooLong > 0 && this.recording) this.rejectedTooLong[st] += tooLong;
      carry += tooLong;
      if (carry > 0 && this.recording) this.rejected[st] += carry;
    }
  }

  /**
   * model_routing at one chain position: each target's share of `carry` goes to its live groups in
   * proportion to their capacity, or, when it has none, to the model's other live groups. Returns
   * what no group took (it goes down the route chain).
   */
  private routeSplit(flowsHere: Int32Array, shares: Float64Array, carry: number): number {
    const f = this.flows;
    let left = 0;
    for (let t = 0; t < shares.length; t++) {
      const part = carry * shares[t];
      if (part === 0) continue;
      let inTarget = 0;
      let outside = 0;
      for (let k = 0; k < flowsHere.length; k++) {
        const j = flowsHere[k];
        const w = this.avail[f.group[j]] * f.fullRate[j];
        if (f.target[j] === t) inTarget += w;
        else outside += w;
      }
      const own = inTarget > 0;
      const weight = own ? inTarget : outside;
      if (weight <= 0) {
        left += part;
        continue;
      }
      for (let k = 0; k < flowsHere.length; k++) {
        const j = flowsHere[k];
        if ((f.target[j] === t) === own)
          this.a[j] += (part * this.avail[f.group[j]] * f.fullRate[j]) / weight;
      }
    }
    return left;
  }

  private stepGroup(g: number, dt: number, interval: number): void {
    const f = this.flows;
    const from = f.groupStart[g];
    const to = f.groupStart[g + 1];
    let Q = 0;
    let H = 0;
    let A = 0;
    let wIn = 0;
    let promptW = 0;
    let outputW = 0;
    let cv2W = 0;
    for (let k = from; k < to; k++) {
      const j = f.groupFlows[k];
      Q += this.q[j];
      H += this.h[j];
      A += this.a[j];
      // Mean tokens of the requests entering the batch (queued + arriving), held ones when none.
      const w = this.q[j] + this.a[j] + 1e-12 * this.h[j];
      wIn += w;
      // the prompt work: what is not found in the prefix cache
      promptW += w * (f.prompt[j] - f.cached[j]);
      outputW += w * f.output[j];
      cv2W += w * f.promptCv2[j];
    }
    const n = this.avail[g];
    const gi = this.grid.at(interval, g);
    this.grid.present[gi] += this.present[g] * dt;
    this.grid.available[gi] += n * dt;
    this.availableSeconds[g] += n * dt;
    const total = Q + H + A;
    if (total <= 0) return;
    const curve = this.topo.groups[g].curve;
    let C: number;
    let Hn: number;
    let Qn = 0;
    let R = 0;
    let busy = 0;
    const op = this.op;
    if (n === 0) {
      // No live replica (only after a fleet change removed them): held requests drain, the
      // queue and arrivals go down the route chain next step.
      C = H;
      Hn = 0;
      for (let k = from; k < to; k++) {
        const j = f.groupFlows[k];
        this.reroute[f.workload[j] * f.maxChain + f.chainPos[j]] += this.q[j] + this.a[j];
        this.q[j] = 0;
        this.a[j] = 0;
      }
      Q = 0;
      A = 0;
      op.tpotS = 0;
      op.prefillWaitS = 0;
    } else {
      const prompt = promptW / wIn;
      const output = outputW / wIn;
      solveOperatingPoint(curve, (A + Q) / (n * dt), prompt, output, n, op, this.lastHeld[g], cv2W / wIn);
      this.lastHeld[g] = op.saturated ? 0 : op.held;
      if (!op.saturated) {
        Hn = n * op.held;
        C = total - Hn;
        if (C < 0) {
          Hn = total;
          C = 0;
        }
        busy = n * op.busy;
      } else {
        let rate = 0;
        for (let k = from; k < to; k++) {
          const j = f.groupFlows[k];
          rate += (this.q[j] + this.a[j] + this.h[j]) * f.fullRate[j];
        }
        // Full replicas complete at their full rate while the batch fills up to its maximum.
        C = Math.min(total, n * dt * (rate / total));
        Hn = Math.min(n * curve.maxBatch, total - C);
        Qn = total - C - Hn;
        const limit = this.s.scheduler.maxQueuePerReplica * n;
        if (Qn > limit) {
          R = Qn - limit;
          Qn = limit;
        }
        busy = n;
      }
    }
    this.grid.busy[gi] += busy * dt;
    this.grid.held[gi] += Hn * dt;
    this.busySeconds[g] += busy * dt;
    this.completedByGroup[g] += C;
    this.completedSoFar += C;
    if (!this.recording) {
      // The flows move on; the request engine's run of this interval replaces what they would record.
      for (let k = from; k < to; k++) {
        const j = f.groupFlows[k];
        const inJ = this.q[j] + this.h[j] + this.a[j];
        this.q[j] = (Qn / total) * inJ;
        this.h[j] = (Hn / total) * inJ;
        this.a[j] = 0;
      }
      return;
    }
    this.inSystemSeconds += (Qn + Hn) * dt;
    // Queueing before admission (Little on the queue), then the replica's prefill wait.
    const queueWait = C > 0 ? (0.5 * (Q + Qn) * dt) / C : 0;
    const tpot = op.tpotS;
    const serving = this.topo.groups[g].serving;
    const threshold = serving?.longPrefillTokenThreshold ?? 0;
    // the decodes a prefilling request shares its steps with (the batch without itself)
    const others = Math.max(0, Math.round(op.batch) - 1);
    const fc = C / total;
    const fr = R / total;
    const fq = Qn / total;
    const fh = Hn / total;
    const busySeconds = busy * dt;
    let busyWeight = 0;
    for (let k = from; k < to; k++) {
      const j = f.groupFlows[k];
      busyWeight += (this.q[j] + this.h[j] + this.a[j]) * (f.prefillS[j] + (f.output[j] - 1) * tpot);
    }
    for (let k = from; k < to; k++) {
      const j = f.groupFlows[k];
      const inJ = this.q[j] + this.h[j] + this.a[j];
      this.q[j] = fq * inJ;
      this.h[j] = fh * inJ;
      this.a[j] = 0;
      if (inJ === 0) continue;
      const st = f.statRow[j];
      const w = f.workload[j];
      const c = fc * inJ;
      this.rejected[st] += fr * inJ;
      if (c > 0) {
        // a prompt cut into chunks by long_prefill_token_threshold waits for more steps
        const chunked =
          threshold > 0 && serving !== null
            ? chunkedPrefillDelayS(
                serving.stepModel,
                threshold,
                f.cached[j],
                f.prompt[j] - f.cached[j],
                others,
                f.prompt[j] + f.output[j] / 2,
              )
            : 0;
        const ttft = queueWait + op.prefillWaitS + f.prefillS[j] + chunked;
        const decodeS = Math.max(0, f.output[j] - 1) * tpot;
        this.completed[st] += c;
        // the fluid mode knows the mean TTFT only: a flow's completions all miss or all meet
        this.grid.ttftSum[gi] += c * ttft;
        this.grid.ttftCount[gi] += c;
        if (ttft > this.slo[2 * w]) this.grid.ttftMissed[gi] += c;
        this.ttftSum[st] += c * ttft;
        if (f.output[j] > 1) {
          this.tpotSum[st] += c * tpot;
          this.tpotCount[st] += c;
        }
        this.e2eSum[st] += c * (ttft + decodeS);
        if (ttft <= this.slo[2 * w] && tpot <= this.slo[2 * w + 1]) this.sloMet[st] += c;
        const slot = f.slot[j];
        this.slotRequests[slot] += c;
        this.slotInput[slot] += c * f.prompt[j];
        this.slotCached[slot] += c * f.cached[j];
        this.slotOutput[slot] += c * f.output[j];
      }
      if (busyWeight > 0) {
        this.slotBusy[f.slot[j]] +=
          (busySeconds * inJ * (f.prefillS[j] + (f.output[j] - 1) * tpot)) / busyWeight;
      }
    }
  }

  /** Closes report interval k at time tEnd (its usage goes to the ledger at the current prices). */
  closeInterval(k: number, _tEnd: number): void {
    this.flushSlots(k, -1);
  }

  /** Moves the slots' accumulated usage (of one model, or all with -1) into expected usage rows. */
  private flushSlots(interval: number, model: number): void {
    const f = this.flows;
    for (let slot = 0; slot < f.slotGroup.length; slot++) {
      const mi = this.topo.groups[f.slotGroup[slot]].modelIndex;
      if (model >= 0 && mi !== model) continue;
      if (this.slotRequests[slot] === 0 && this.slotBusy[slot] === 0) continue;
      this.usage.push(
        interval,
        slot,
        this.modelEpoch[mi],
        this.slotRequests[slot],
        this.slotInput[slot],
        this.slotCached[slot],
        this.slotOutput[slot],
        this.slotBusy[slot],
      );
      this.slotRequests[slot] = 0;
      this.slotInput[slot] = 0;
      this.slotCached[slot] = 0;
      this.slotOutput[slot] = 0;
      this.slotBusy[slot] = 0;
    }
  }

  /** Whole-number usage rows and statistics (latency as means only: quantiles stay empty). */
  finish(ledger: UsageLedger): void {
    const tenantOf = Int32Array.from(this.stats, (st) => st.tenantIndex);
    const whole = this.usage.writeWhole(this.flows, tenantOf, ledger, this.grid);
    this.stats.forEach((st, i) => {
      const completed = whole[i * WHOLE_FIELDS];
      st.completed = completed;
      st.failedOver = whole[i * WHOLE_FIELDS + 1];
      st.inputTokens = whole[i * WHOLE_FIELDS + 2];
      st.outputTokens = whole[i * WHOLE_FIELDS + 3];
      st.counters[CACHED_INPUT_TOKENS] = whole[i * WHOLE_FIELDS + 4];
      st.rejected = Math.round(this.rejected[i]);
      st.counters[REJECTED_TOO_LONG] = Math.min(st.rejected, Math.round(this.rejectedTooLong[i]));
      st.requests = Math.max(Math.round(this.requests[i]), completed + st.rejected);
      st.sloMet = Math.min(completed, Math.round(this.sloMet[i]));
      const c = this.completed[i];
      if (completed > 0 && c > 0) {
        st.ttftS.addAggregate((this.ttftSum[i] / c) * completed, completed);
        st.e2eS.addAggregate((this.e2eSum[i] / c) * completed, completed);
      }
      const tc = this.tpotCount[i];
      const tpotCompleted = Math.round((completed * tc) / Math.max(c, 1e-12));
      if (tpotCompleted > 0 && tc > 0)
        st.tpotS.addAggregate((this.tpotSum[i] / tc) * tpotCompleted, tpotCompleted);
    });
  }

  /** Node-seconds of pool nodes not assigned to any model (as the request engine counts them). */
  unassignedNodeSeconds(intervals: number): Float64Array {
    const P = this.s.fleet.pools.length;
    const out = new Float64Array(intervals * P);
    for (let k = 0; k < intervals; k++) {
      const span = Math.min(this.s.horizon, (k + 1) * this.s.reportInterval) - k * this.s.reportInterval;
      this.s.fleet.pools.forEach((pool, p) => {
        const assigned = pool.serves.reduce((a, sv) => a + sv.nodes, 0);
        out[k * P + p] = Math.max(0, pool.nodes - assigned) * span;
      });
    }
    return out;
  }
}
