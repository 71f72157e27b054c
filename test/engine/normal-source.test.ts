/**
 * The standard normal draws behind lognormal token counts (Marsaglia's polar method, both values of
 * each pair used). 200,000 draws: the standard error of the mean is 1/sqrt(n) = 0.0022, of the
 * variance sqrt(2/n) = 0.0032, of a tail share p(1-p)/n under 0.0005; bounds are 4 standard errors.
 */
import { describe, expect, it } from "vitest";
import { deriveStream, NormalSource } from "../../src/engine/random.js";

const N = 200_000;

function draws(seed: number): Float64Array {
  const z = new NormalSource(deriveStream(seed, "normal-test"));
  return Float64Array.from({ length: N }, () => z.next());
}

describe("NormalSource", () => {
  const xs = draws(7);

  it("has mean 0 and variance 1", () => {
    const mean = xs.reduce((a, x) => a + x, 0) / N;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (N - 1);
    expect(Math.abs(mean)).toBeLessThan(4 * 0.0022);
    expect(Math.abs(variance - 1)).toBeLessThan(4 * 0.0032);
  });

  it("puts 5 % beyond +-1.96 and 0.27 % beyond +-3 (the tails, not only the moments)", () => {
    const beyond = (c: number) => xs.filter((x) => Math.abs(x) > c).length / N;
    expect(Math.abs(beyond(1.959964) - 0.05)).toBeLessThan(4 * Math.sqrt((0.05 * 0.95) / N));
    expect(Math.abs(beyond(3) - 0.0026998)).toBeLessThan(4 * Math.sqrt((0.0027 * 0.9973) / N));
  });

  it("draws the two values of a pair independently (correlation within 4 standard errors of 0)", () => {
    let sxy = 0;
    for (let i = 0; i + 1 < N; i += 2) sxy += xs[i] * xs[i + 1];
    const corr = sxy / (N / 2);
    expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(N / 2));
  });

  it("gives the same sequence for the same seed and another for another seed", () => {
    expect(draws(7).subarray(0, 100)).toEqual(xs.subarray(0, 100));
    expect(draws(8)[0]).not.toBe(xs[0]);
  });
});
