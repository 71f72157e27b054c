/**
 * The engine against queueing theory. scenarios/validation/mmc-rho-*.yaml are M/M/8 queues
 * (Poisson arrivals, exponential service of mean 1 s, one FIFO, batch 1). For each utilisation we
 * run R = 10 independent replications (seeds 1..10) of the scenario's horizon and compare the mean wait
 * and the probability of waiting with Erlang C.
 *
 * Tolerance: 4 standard errors of the replication mean (estimated from the 10 replications; Student t with
 * 9 degrees of freedom exceeds 4 with probability 0.003), plus the bias of
 * starting empty, at most relaxation time / horizon (relaxation time ~ 1 / (c mu (1 - sqrt(rho))^2),
 * 190 s at rho 0.95 against a 6 h horizon: 0.9 %), and 0.2 % for output lengths being whole tokens
 * (the service time is (n - 1) / 1000 s with n = round(Exp(1001)), exponential to that precision).
 */
import { describe, expect, it } from "vitest";
import { erlangC, meanAndStdErr, mmcMeanWait } from "../support/queueing.js";
import { runScenario } from "../support/run-scenario.js";

const C = 8;
const MU = 1;
const R = 10;

describe.each([0.5, 0.8, 0.95])("M/M/8 at utilisation %s", (rho) => {
  const lambda = C * MU * rho;

  it("matches Erlang C (mean wait, probability of waiting) and Little's law", async () => {
    const waits: number[] = [];
    const pWait: number[] = [];
    const little: Array<{ L: number; lambdaW: number }> = [];
    let horizon = 0;
    for (let seed = 1; seed <= R; seed++) {
      const { run, scenario } = await runScenario(`scenarios/validation/mmc-rho-${rho}.yaml`, { seed });
      horizon = scenario.horizon;
      const st = run.stats[0];
      waits.push(st.ttftS.mean()!);
      pWait.push(st.waited / st.requests);
      little.push({ L: run.inSystemSeconds / horizon, lambdaW: (st.requests / horizon) * st.e2eS.mean()! });
    }
    const relaxation = 1 / (C * MU * (1 - Math.sqrt(rho)) ** 2);
    const bias = relaxation / horizon + 0.002;

    const wq = mmcMeanWait(C, lambda, MU);
    const w = meanAndStdErr(waits);
    expect(Math.abs(w.mean - wq)).toBeLessThanOrEqual(4 * w.se + bias * wq);

    const pc = erlangC(C, lambda / MU);
    const p = meanAndStdErr(pWait);
    expect(Math.abs(p.mean - pc)).toBeLessThanOrEqual(4 * p.se + bias * pc);

    // Little's law, L = lambda W, per replication: the time-average number in the system against the
    // arrival rate times the mean time in system. They differ only by the requests still in the system
    // at the horizon, a few times L out of lambda x T requests.
    for (const { L, lambdaW } of little) expect(Math.abs(L - lambdaW) / lambdaW).toBeLessThan(0.01);
  });
});
