import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ModelArchitecture } from "../../src/fleet/architecture.js";
import { allToAllSeconds, p2pSeconds, ringAllReduceSeconds } from "../../src/fleet/parallelism.js";
import {
  addDecode,
  addPrefillChunk,
  emptyComposition,
  type StepDevice,
  StepTimeModel,
  sumMaxOfLines,
} from "../../src/fleet/step-time.js";

/** A round-number dense model: 2 layers, hidden 8, 2 heads of 4, 1 KV head, MLP 16, vocab 10. */
const TOY: ModelArchitecture = {
  layers: 2,
  hiddenSize: 8,
  attentionHeads: 2,
  kvHeads: 1,
  headDim: 4,
  intermediateSize: 16,
  vocabSize: 10,
  tiedEmbeddings: false,
  qkvBias: false,
  experts: 1,
  expertsActive: 1,
};

const LINK = { kind: "test", bandwidthBytesPerS: 1e3, latencyS: 0.5 };

function device(over: Partial<StepDevice> = {}): StepDevice {
  return {
    peakFlops: 1000,
    bandwidthBytesPerS: 1000,
    memoryBytes: 1e6,
    computeEfficiency: 0.5,
    memoryEfficiency: 0.5,
    stepOverheadS: 0.25,
    interconnect: LINK,
    ...over,
  };
}

const spec = { architecture: TOY, bytesPerParam: 1, kvBytesPerValue: 1, activationBytes: 2 };

describe("step time", () => {
  it("one decode step by hand: overhead + max(GEMM) + max(attention)", () => {
    const m = new StepTimeModel(spec, device());
    // per layer: q 8x8 + k,v 2 x 8x4 + o 8x8 = 192; MLP 3 x 8 x 16 = 384; matmul params 2 x 576 = 1152
    // LM head 10 x 8 = 80. One token: 2 x (1152 + 80) = 2464 FLOPs at 1000 x 0.5 -> 4.928 s
    // weights read: 2 x (576 + 16 norms) + 80 + 8 final norm = 1272 bytes at 500 B/s -> 2.544 s
    // attention: 4 x 2 layers x 2 heads x 4 x (cached 5 + 1) = 384 FLOPs -> 0.768 s
    // KV: 2 x 2 layers x 1 x 4 x 1 byte = 16 B/token, (5 read + 1 written) x 16 = 96 B -> 0.192 s
    const c = emptyComposition();
    addDecode(c, 5);
    const b = m.breakdown(c);
    expect(b.linearCompute).toBeCloseTo(4.928, 12);
    expect(b.linearMemory).toBeCloseTo(2.544, 12);
    expect(b.attentionCompute).toBeCloseTo(0.768, 12);
    expect(b.attentionMemory).toBeCloseTo(0.192, 12);
    expect(b.communication).toBe(0);
    expect(b.total).toBeCloseTo(0.25 + 4.928 + 0.768, 12);
    expect(m.stepSeconds(emptyComposition())).toBe(0);
  });

  it("a prompt chunk: LM head only when it completes the prompt; attention grows with position", () => {
    const m = new StepTimeModel(spec, device({ memoryEfficiency: 1e-9 }));
    const mid = emptyComposition();
    addPrefillChunk(mid, 3, 4, false);
    const end = emptyComposition();
    addPrefillChunk(end, 3, 4, true);
    // positions 3..6 attend to 4..7 tokens: 22 context tokens
    expect(mid.prefillAttendSum).toBe(22);
    const dLinear = m.breakdown(end).linearCompute - m.breakdown(mid).linearCompute;
    expect(dLinear).toBeCloseTo((2 * 80) / 500, 12);
  });

  it("splitting a prompt into chunks keeps its attention FLOPs and its KV writes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 700 }), (prompt, chunk) => {
        const whole = emptyComposition();
        addPrefillChunk(whole, 0, prompt, true);
        const split = emptyComposition();
        for (let done = 0; done < prompt; done += chunk) {
          const n = Math.min(chunk, prompt - done);
          addPrefillChunk(split, done, n, done + n === prompt);
        }
        expect(split.prefillAttendSum).toBe(whole.prefillAttendSum);
        expect(split.prefillTokens).toBe(prompt);
        expect(split.prefillSampled).toBe(1);
      }),
    );
  });

  it("sumMaxOfLines equals the loop, crossing or not", () => {
    fc.assert(
      fc.property(
        // rationals with odd denominators, so that crossings fall between whole steps
        fc.integer({ min: 0, max: 1000 }).map((x) => x / 13),
        fc.integer({ min: 0, max: 100 }).map((x) => x / 17),
        fc.integer({ min: 0, max: 1000 }).map((x) => x / 11),
        fc.integer({ min: 0, max: 100 }).map((x) => x / 19),
        fc.integer({ min: 0, max: 300 }),
        (a1, b1, a2, b2, k) => {
          let loop = 0;
          for (let i = 0; i < k; i++) loop += Math.max(a1 + b1 * i, a2 + b2 * i);
          expect(sumMaxOfLines(a1, b1, a2, b2, k)).toBeCloseTo(loop, 6);
        },
      ),
    );
  });

  it("decodeRunSeconds (closed form) equals K decode steps summed one by one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom(1, 2, 4),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (n, meanCached, k, tensor, ec, em) => {
          const m = new StepTimeModel(
            { ...spec, architecture: { ...TOY, kvHeads: 4, attentionHeads: 4, headDim: 2 } },
            device({ computeEfficiency: ec, memoryEfficiency: em }),
            { tensor, pipeline: 1, expert: 1 },
          );
          const cached = Array.from({ length: n }, (_, i) => meanCached + (i % 7));
          let loop = 0;
          for (let step = 0; step < k; step++) {
            const c = emptyComposition();
            for (const x of cached) addDecode(c, x + step);
            loop += m.stepSeconds(c);
          }
          const sum0 = cached.reduce((s, x) => s + x, 0);
          expect(m.decodeRunSeconds(n, sum0, k) / loop).toBeCloseTo(1, 9);
        },
      ),
    );
  });

  it("tensor parallel divides compute and memory by t and adds 2 ring all-reduces per layer", () => {
    const one = new StepTimeModel(spec, device());
    const arch4 = { ...TOY, kvHeads: 4 };
    const one4 = new StepTimeModel({ ...spec, architecture: arch4 }, device());
    const two4 = new StepTimeModel({ ...spec, architecture: arch4 }, device(), {
      tensor: 2,
      pipeline: 1,
      expert: 1,
    });
    const c = emptyComposition();
    for (let i = 0; i < 3; i++) addDecode(c, 10);
    const a = one4.breakdown(c);
    const b = two4.breakdown(c);
    expect(b.linearCompute).toBeCloseTo(a.linearCompute / 2, 12);
    expect(b.attentionMemory).toBeCloseTo(a.attentionMemory / 2, 12);
    // buffer = 3 tokens x 8 hidden x 2 bytes = 48 B; ring over 2: 2 x 1/2 x 48 / 1000 + 2 x 0.5
    expect(ringAllReduceSeconds(LINK, 2, 48)).toBeCloseTo(0.048 + 1, 12);
    expect(b.communication).toBeCloseTo(2 * 2 * (0.048 + 1), 12);
    expect(one.breakdown(c).communication).toBe(0);
    // one KV head over 2 devices is replicated: the KV bytes per device do not halve
    const twoRepl = new StepTimeModel(spec, device(), { tensor: 2, pipeline: 1, expert: 1 });
    expect(twoRepl.breakdown(c).attentionMemory).toBeCloseTo(one.breakdown(c).attentionMemory, 12);
    expect(twoRepl.kvBytesPerTokenPerDevice()).toBe(one.kvBytesPerTokenPerDevice());
  });

  it("collectives: ring all-reduce 2(t-1)/t, all-to-all (t-1)/t, p2p one hop", () => {
    expect(ringAllReduceSeconds(LINK, 1, 1e6)).toBe(0);
    expect(ringAllReduceSeconds(LINK, 8, 8000)).toBeCloseTo((14 / 8) * 8 + 14 * 0.5, 12);
    expect(allToAllSeconds(LINK, 4, 4000)).toBeCloseTo(3 + 3 * 0.5, 12);
    expect(p2pSeconds(LINK, 1000)).toBeCloseTo(1.5, 12);
  });

  it("MoE expert parallel replaces the MLP all-reduce by dispatch + combine all-to-alls", () => {
    const moe = { ...TOY, experts: 4, expertsActive: 2, kvHeads: 2 };
    const ep = new StepTimeModel({ ...spec, architecture: moe }, device(), {
      tensor: 2,
      pipeline: 1,
      expert: 2,
    });
    const c = emptyComposition();
    addDecode(c, 1);
    const buffer = 8 * 2;
    const want = 2 * (ringAllReduceSeconds(LINK, 2, buffer) + 2 * allToAllSeconds(LINK, 2, buffer * 2));
    expect(ep.communicationSeconds(1)).toBeCloseTo(want, 12);
    // a MoE step of one token reads 2 of 4 experts; of many tokens, all 4
    const many = emptyComposition();
    for (let i = 0; i < 500; i++) addDecode(many, 1);
    const readOne = ep.breakdown(c).linearMemory;
    const readMany = ep.breakdown(many).linearMemory;
    const expert = 3 * 8 * 16;
    expect(readMany - readOne).toBeCloseTo((2 * 2 * expert) / (1000 * 0.5 * 2), 6);
  });

  it("pipeline stages split memory, not step time, and add stage-to-stage sends", () => {
    const pp = new StepTimeModel(spec, device(), { tensor: 1, pipeline: 2, expert: 1 });
    const one = new StepTimeModel(spec, device());
    const c = emptyComposition();
    addDecode(c, 4);
    expect(pp.breakdown(c).linearCompute).toBeCloseTo(one.breakdown(c).linearCompute, 12);
    expect(pp.breakdown(c).communication).toBeCloseTo(p2pSeconds(LINK, 16), 12);
    expect(pp.kvBytesPerTokenPerDevice()).toBe(one.kvBytesPerTokenPerDevice() / 2);
    expect(pp.weightBytesPerDevice(1000)).toBe(500);
  });
});
