/**
 * The validator's messages (src/scenario/validate.ts), each asserted whole with its file, line and
 * dotted path: first through scenario files (the schema users meet), then through small schemas
 * for the kinds of issue the scenario schema does not raise today (lengths, formats, record keys,
 * plain unions, custom checks), so that every branch of the wording is held to what users read.
 */
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatProblem, InputError } from "../../src/errors.js";
import { fileLocator, type Locator } from "../../src/scenario/problems.js";
import { validate, valueAt } from "../../src/scenario/validate.js";
import { parseYamlText } from "../../src/scenario/yaml-source.js";
import { loadLines, MINIMAL, problemsOfLines, withLine } from "./helpers.js";

const WL = "tenants.0.workloads.0";

async function messages(lines: string[]): Promise<string[]> {
  return (await problemsOfLines(lines)).map(formatProblem);
}

describe("validator messages on scenario files", () => {
  it.each([
    [
      "a mapping given as text",
      withLine(3, "fleet: big").slice(0, 3),
      ['S:3 fleet: must be a mapping, got "big"'],
    ],
    ["a mapping given as null", [...MINIMAL, "billing: null"], ["S:17 billing: must be a mapping, got null"]],
    [
      "a mapping given as a list",
      [...MINIMAL, "billing: [1]"],
      ["S:17 billing: must be a mapping, got a list"],
    ],
    [
      "a list given as a mapping",
      [...MINIMAL.slice(0, 3), "  pools: { a: 1 }", ...MINIMAL.slice(9)],
      ["S:4 fleet.pools: must be a list, got a mapping"],
    ],
    ["a string given as a number", withLine(1, "name: 5"), ["S:1 name: must be a string, got 5"]],
    [
      "a number given as true",
      withLine(7, "      nodes: true"),
      ["S:7 fleet.pools.0.nodes: must be a number, got true"],
    ],
    [
      "a boolean given as text",
      [...MINIMAL.slice(0, 13), "        arrival: { process: trace, file: t.csv, loop: yes }"],
      [`S:14 ${WL}.arrival.loop: must be true or false, got "yes"`],
    ],
  ])("names the type expected and what was found: %s", async (_, lines, expected) => {
    expect(await messages(lines)).toEqual(expected);
  });

  it("says what a missing mapping or tag should be", async () => {
    expect(await messages(MINIMAL.filter((_, i) => i !== 13))).toEqual([
      `S:13 ${WL}.arrival: is required (a mapping)`,
    ]);
    expect(await messages(withLine(14, "        arrival: { rate_per_s: 5 }"))).toEqual([
      `S:14 ${WL}.arrival.process: is required (one of poisson, constant, mmpp, trace)`,
    ]);
    expect(await messages([...MINIMAL, "events:", "  - { at: 1h }"])).toEqual([
      "S:18 events.0.type: is required (one of tenant_shift, model_outage, pool_outage, price_change, demand_change)",
    ]);
  });

  it("lists the variants of a tagged union, suggesting the nearest", async () => {
    expect(await messages(withLine(14, "        arrival: { process: poison, rate_per_s: 5 }"))).toEqual([
      `S:14 ${WL}.arrival.process: must be one of poisson, constant, mmpp, trace, got "poison", did you mean "poisson"?`,
    ]);
    expect(await messages(withLine(14, "        arrival: { process: 5, rate_per_s: 5 }"))).toEqual([
      `S:14 ${WL}.arrival.process: must be one of poisson, constant, mmpp, trace, got 5`,
    ]);
    expect(await messages([...MINIMAL, "events:", "  - { at: 1h, type: outage }"])).toEqual([
      'S:18 events.0.type: must be one of tenant_shift, model_outage, pool_outage, price_change, demand_change, got "outage"',
    ]);
  });

  it("names the values allowed", async () => {
    expect(await messages([...MINIMAL, "scheduler: { prefill: chunky }"])).toEqual([
      'S:17 scheduler.prefill: must be one of pause, chunked, got "chunky", did you mean "chunked"?',
    ]);
    expect(await messages([...MINIMAL, "scheduler: { prefill: null }"])).toEqual([
      "S:17 scheduler.prefill: must be one of pause, chunked, got null",
    ]);
  });

  it("names the scheduler limits that contradict each other", async () => {
    expect(
      await messages([
        ...MINIMAL,
        "scheduler: { prefill: chunked, max_num_seqs: 512, max_num_batched_tokens: 256 }",
      ]),
    ).toEqual([
      "S:17 scheduler.max_num_seqs: max_num_seqs (512) must not exceed max_num_batched_tokens (256): every running request decodes one token a step",
    ]);
    expect(await messages([...MINIMAL, "scheduler: { prefill: chunked, batching: static }"])).toEqual([
      "S:17 scheduler.prefill: prefill: chunked needs batching: continuous (step-level service is continuous batching)",
    ]);
  });

  it("reports empty lists and strings", async () => {
    expect(await messages([...MINIMAL.slice(0, 3), "  pools: []", ...MINIMAL.slice(9)])).toEqual([
      "S:4 fleet.pools: must have at least 1 item",
    ]);
    expect(await messages(withLine(1, 'name: ""'))).toEqual(["S:1 name: must not be empty"]);
    expect(await messages([...MINIMAL, 'hardware_profiles: [""]'])).toEqual([
      "S:17 hardware_profiles.0: must not be empty",
    ]);
  });

  it("gives bounds as inclusive or strict", async () => {
    expect(
      await messages(
        withLine(14, "        arrival: { process: poisson, rate_per_s: 5, growth_per_month: -1 }"),
      ),
    ).toEqual([`S:14 ${WL}.arrival.growth_per_month: must be > -1, got -1`]);
    expect(
      await messages(
        withLine(
          14,
          "        arrival: { process: poisson, rate_per_s: 5, diurnal: { peak_to_trough: 2, peak_hour_utc: 25 } }",
        ),
      ),
    ).toEqual([`S:14 ${WL}.arrival.diurnal.peak_hour_utc: must be <= 24, got 25`]);
  });

  it("refuses zero for the durations that must be positive", async () => {
    expect(
      await messages(
        withLine(14, "        arrival: { process: mmpp, rate_per_s: 5, on_mean: 0, off_mean: 0s }"),
      ),
    ).toEqual([
      `S:14 ${WL}.arrival.on_mean: must be > 0, got 0`,
      `S:14 ${WL}.arrival.off_mean: must be > 0, got "0s"`,
    ]);
  });

  it("refuses zero for the scenario's periods and the fluid time step", async () => {
    expect(await messages([...MINIMAL, "report_interval: 0"])).toEqual([
      "S:17 report_interval: must be > 0, got 0",
    ]);
    expect(await messages([...MINIMAL, "fluid: { step: 0s }"])).toEqual([
      'S:17 fluid.step: must be > 0, got "0s"',
    ]);
    expect(await messages([...MINIMAL, "fluid:", "  windows:", "    - { every: 0, duration: 0 }"])).toEqual([
      "S:19 fluid.windows.0.every: must be > 0, got 0",
      "S:19 fluid.windows.0.duration: must be > 0, got 0",
    ]);
  });

  it("takes no tenants, and no workloads for a tenant, when none are given", async () => {
    const idle = await loadLines([...MINIMAL, "  - id: idle"]);
    expect(idle.tenants.map((t) => [t.id, t.workloads.length])).toEqual([
      ["acme", 1],
      ["idle", 0],
    ]);
    expect((await loadLines(MINIMAL.slice(0, 9))).tenants).toEqual([]);
  });

  it("reports every unknown key of a mapping, each with a suggestion or the fields allowed", async () => {
    expect(
      await messages(
        withLine(14, "        arrival: { process: poisson, rate_per_s: 5, zzz: 1, rate_per_sec: 3 }"),
      ),
    ).toEqual([
      `S:14 ${WL}.arrival.zzz: unknown field "zzz" (allowed: process, rate_per_s, diurnal, growth_per_month)`,
      `S:14 ${WL}.arrival.rate_per_sec: unknown field "rate_per_sec", did you mean "rate_per_s"?`,
    ]);
    expect(await messages(withLine(11, "  - idd: acme"))).toEqual([
      'S:11 tenants.0.idd: unknown field "idd", did you mean "id"?',
    ]);
  });

  it("keeps 'is required' when the unknown key nearby suggests nothing", async () => {
    expect(await messages([...MINIMAL, "        slo: { ttft_s: 1, tpot: 5 }"])).toEqual([
      `S:17 ${WL}.slo.tpot_ms: is required (a number)`,
      `S:17 ${WL}.slo.tpot: unknown field "tpot" (allowed: ttft_s, tpot_ms)`,
    ]);
  });
});

/** Validates YAML text against a schema; the problems as printed lines (file "f.yaml"). */
function check(
  schema: z.ZodType,
  yaml: string[],
  locate?: (lines: Record<string, number>) => Locator,
): string[] {
  const source = parseYamlText("f.yaml", Buffer.from(yaml.join("\n")));
  try {
    validate(schema, source.data, locate ? locate(source.lines) : fileLocator("f.yaml", source.lines));
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems.map(formatProblem);
  }
  throw new Error("expected the validation to fail");
}

describe("validator messages for every kind of issue", () => {
  it("returns the parsed data when valid", () => {
    const source = parseYamlText("f.yaml", Buffer.from("a: 1\nb: [x]\n"));
    const schema = z.strictObject({ a: z.number().transform((v) => v * 2), b: z.array(z.string()) });
    expect(validate(schema, source.data, fileLocator("f.yaml", source.lines))).toEqual({ a: 2, b: ["x"] });
  });

  it("counts items and characters, singular and plural", () => {
    const schema = z.strictObject({
      one: z.array(z.number()).min(1),
      two: z.array(z.number()).min(2),
      most: z.array(z.number()).max(2),
      long: z.string().max(3),
      short: z.string().min(1),
    });
    expect(check(schema, ["one: []", "two: [1]", "most: [1, 2, 3]", "long: abcd", 'short: ""'])).toEqual([
      "f.yaml:1 one: must have at least 1 item",
      "f.yaml:2 two: must have at least 2 items",
      "f.yaml:3 most: must have at most 2 items",
      "f.yaml:4 long: must be at most 3 characters",
      "f.yaml:5 short: must not be empty",
    ]);
  });

  it("gives numeric bounds inclusive or strict, with what was found", () => {
    const schema = z.strictObject({
      a: z.number().min(2),
      b: z.number().gt(2),
      c: z.number().max(5),
      d: z.number().lt(5),
      e: z.number().int(),
    });
    expect(check(schema, ["a: 1", "b: 2", "c: 6", "d: 5", "e: 0.5"])).toEqual([
      "f.yaml:1 a: must be >= 2, got 1",
      "f.yaml:2 b: must be > 2, got 2",
      "f.yaml:3 c: must be <= 5, got 6",
      "f.yaml:4 d: must be < 5, got 5",
      "f.yaml:5 e: must be a whole number, got 0.5",
    ]);
  });

  it("a whole number beyond 2^53 and the field's maximum gets one message, the field's bound", () => {
    const schema = z.strictObject({
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 32 - 1),
      n: z.number().int().max(10),
    });
    expect(check(schema, ["seed: 1e30", "n: 1e17"])).toEqual([
      "f.yaml:1 seed: must be <= 4294967295, got 1e+30",
      "f.yaml:2 n: must be <= 10, got 100000000000000000",
    ]);
  });

  it("names enum values (one or several), suggesting the nearest to a misspelt one", () => {
    const schema = z.strictObject({
      colour: z.enum(["red", "green", "blue"]),
      mode: z.literal("fast"),
      shape: z.enum(["round", "square"]),
    });
    expect(check(schema, ["colour: gren", "mode: slow", "shape: 3"])).toEqual([
      'f.yaml:1 colour: must be one of red, green, blue, got "gren", did you mean "green"?',
      'f.yaml:2 mode: must be "fast", got "slow"',
      "f.yaml:3 shape: must be one of round, square, got 3",
    ]);
    expect(check(z.strictObject({ x: z.number(), colour: z.enum(["red", "blue"]) }), ["x: 1"])).toEqual([
      "f.yaml:1 colour: is required (one of red, blue)",
    ]);
  });

  it("reports formats: the pattern of a regex, the name of others", () => {
    const schema = z.strictObject({ code: z.string().regex(/^[A-Z]{3}$/), mail: z.email() });
    expect(check(schema, ["code: abc", "mail: nobody"])).toEqual([
      'f.yaml:1 code: must match /^[A-Z]{3}$/, got "abc"',
      'f.yaml:2 mail: must match email, got "nobody"',
    ]);
  });

  it("reports an invalid record key with the problem of the key", () => {
    const schema = z.strictObject({
      decode: z.record(z.string().regex(/^\d+$/, "must be a whole number"), z.number()),
    });
    expect(check(schema, ["decode:", "  1: 10", "  x: 20"])).toEqual([
      "f.yaml:3 decode.x: has an invalid key: must be a whole number",
    ]);
    expect(check(schema, ["decode: [1, 2]"])).toEqual(["f.yaml:1 decode: must be a mapping, got a list"]);
    const strict = z.strictObject({
      decode: z.record(
        z.string().regex(/^\d+$/, "must be digits").max(2, "must be at most 2 characters"),
        z.number(),
      ),
    });
    expect(check(strict, ["decode:", "  abc: 1"])).toEqual([
      "f.yaml:2 decode.abc: has an invalid key: must be digits; must be at most 2 characters",
    ]);
  });

  it("reports a plain union that nothing matches, or that is missing", () => {
    const schema = z.strictObject({
      a: z.union([z.number(), z.boolean()]),
      b: z.union([z.number(), z.boolean()]),
    });
    expect(check(schema, ["a: text"])).toEqual([
      'f.yaml:1 a: is not valid here, got "text"',
      "f.yaml:1 b: is required",
    ]);
  });

  it("passes a custom check's message through", () => {
    const schema = z.strictObject({ n: z.number().refine((v) => v % 2 === 0, "must be even") });
    expect(check(schema, ["n: 3"])).toEqual(["f.yaml:1 n: must be even"]);
  });

  it("reports unknown keys of a mapping that allows none, and at the top of the file", () => {
    expect(check(z.strictObject({}), ["a: 1", "b: 2"])).toEqual([
      'f.yaml:1 a: unknown field "a"',
      'f.yaml:2 b: unknown field "b"',
    ]);
    expect(
      check(z.strictObject({ nested: z.strictObject({ kept: z.number() }) }), [
        "nested:",
        "  kept: 1",
        "  kep: 2",
      ]),
    ).toEqual(['f.yaml:3 nested.kep: unknown field "kep", did you mean "kept"?']);
  });

  it("says a whole file of the wrong kind is wrong at its first line, with no path", () => {
    expect(check(z.strictObject({ a: z.number() }), ["- 1", "- 2"])).toEqual([
      "f.yaml:1: must be a mapping, got a list",
    ]);
  });

  it("places problems with the locator given, which may hide the path", () => {
    const flag: Locator = () => ({ file: "--horizon", hidePath: true });
    expect(check(z.strictObject({ horizon: z.number() }), ["horizon: soon"], () => flag)).toEqual([
      '--horizon: must be a number, got "soon"',
    ]);
  });

  it("reads values at paths of the raw data, undefined past a missing or scalar step", () => {
    const data = { a: { b: [10, { c: null }] }, s: "text" };
    expect(valueAt(data, [])).toBe(data);
    expect(valueAt(data, ["a", "b", 0])).toBe(10);
    expect(valueAt(data, ["a", "b", 1, "c"])).toBeNull();
    expect(valueAt(data, ["a", "b", 1, "c", "d"])).toBeUndefined();
    expect(valueAt(data, ["s", "length"])).toBeUndefined();
    expect(valueAt(data, ["x", "y"])).toBeUndefined();
    expect(valueAt(null, ["a"])).toBeUndefined();
  });
});
