import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/errors.js";
import { MINIMAL, problemsOfLines, withLine } from "./helpers.js";

const WL = "tenants.0.workloads.0";

describe("schema errors: one line each, with line, dotted path and what was found", () => {
  it("suggests the field meant by an unknown key", async () => {
    const problems = await problemsOfLines(
      withLine(14, "        arrival: { process: poisson, rate_per_sec: 5 }"),
    );
    expect(problems).toEqual([
      {
        file: "S",
        line: 14,
        path: `${WL}.arrival.rate_per_sec`,
        message: 'unknown field "rate_per_sec", did you mean "rate_per_s"?',
      },
    ]);
    expect(formatProblem(problems[0])).toBe(
      `S:14 ${WL}.arrival.rate_per_sec: unknown field "rate_per_sec", did you mean "rate_per_s"?`,
    );
  });

  it("still reports a required field missing when no unknown key suggests it", async () => {
    const problems = await problemsOfLines(withLine(14, "        arrival: { process: poisson }"));
    expect(problems.map(formatProblem)).toEqual([`S:14 ${WL}.arrival.rate_per_s: is required (a number)`]);
  });

  it("lists the allowed fields when no key is close", async () => {
    const problems = await problemsOfLines([...MINIMAL, "colour: blue"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 17, path: "colour" });
    expect(problems[0].message).toMatch(
      /^unknown field "colour" \(allowed: \$schema, name, description, seed, /,
    );
  });

  it("reports a wrong type", async () => {
    const problems = await problemsOfLines(
      withLine(14, "        arrival: { process: poisson, rate_per_s: forty }"),
    );
    expect(problems).toEqual([
      { file: "S", line: 14, path: `${WL}.arrival.rate_per_s`, message: 'must be a number, got "forty"' },
    ]);
  });

  it("reports a fraction for a whole number", async () => {
    const problems = await problemsOfLines(withLine(7, "      nodes: 2.5"));
    expect(problems).toEqual([
      { file: "S", line: 7, path: "fleet.pools.0.nodes", message: "must be a whole number, got 2.5" },
    ]);
  });

  it("reports a number out of range", async () => {
    const problems = await problemsOfLines(
      withLine(14, "        arrival: { process: poisson, rate_per_s: -5 }"),
    );
    expect(problems.map(formatProblem)).toEqual([`S:14 ${WL}.arrival.rate_per_s: must be >= 0, got -5`]);
  });

  it("reports a fraction above 1", async () => {
    const lines = [...MINIMAL.slice(0, 11), "    contract: { discount: 1.5 }", ...MINIMAL.slice(11)];
    expect((await problemsOfLines(lines)).map(formatProblem)).toEqual([
      "S:12 tenants.0.contract.discount: must be <= 1, got 1.5",
    ]);
  });

  it("reports a bad duration", async () => {
    const problems = await problemsOfLines(withLine(2, "horizon: 7x"));
    expect(problems.map(formatProblem)).toEqual([
      'S:2 horizon: must be a duration like 90s, 15m, 6h, 7d, 2w, 1mo, 1y or a number of seconds, got "7x"',
    ]);
  });

  it("refuses a zero horizon", async () => {
    expect((await problemsOfLines(withLine(2, "horizon: 0s"))).map(formatProblem)).toEqual([
      'S:2 horizon: must be > 0, got "0s"',
    ]);
  });

  it("reports a missing required field", async () => {
    const problems = await problemsOfLines(MINIMAL.filter((_, i) => i !== 1));
    expect(problems).toEqual([{ file: "S", line: 1, path: "horizon", message: "is required" }]);
  });

  it("reports an unknown variant with a suggestion", async () => {
    const problems = await problemsOfLines(
      withLine(15, "        prompt_tokens: { dist: lognormale, median: 5, p90: 9 }"),
    );
    expect(problems).toEqual([
      {
        file: "S",
        line: 15,
        path: `${WL}.prompt_tokens.dist`,
        message:
          'must be one of constant, exponential, lognormal, uniform, empirical, got "lognormale", did you mean "lognormal"?',
      },
    ]);
  });

  it("reports an unknown enum value", async () => {
    const problems = await problemsOfLines([...MINIMAL, "fidelity: fast"]);
    expect(problems.map(formatProblem)).toEqual([
      'S:17 fidelity: must be one of request, fluid, hybrid, got "fast"',
    ]);
  });

  it.each([
    ["2025-01-01T00:00:00+01:00", "must be in UTC (end in Z or +00:00)"],
    ["2025-01-01T00:00:00", "must be in UTC (end in Z or +00:00)"],
    ["January 1st", "must be an ISO-8601 UTC timestamp"],
  ])("refuses start %s", async (start, why) => {
    const problems = await problemsOfLines([...MINIMAL, `start: "${start}"`]);
    expect(problems.map(formatProblem)).toEqual([
      `S:17 start: ${why}, like 2025-01-01T00:00:00Z, got ${JSON.stringify(start)}`,
    ]);
  });

  it("refuses a start date that does not exist", async () => {
    const problems = await problemsOfLines([...MINIMAL, "start: 2025-02-30T00:00:00Z"]);
    expect(problems.map(formatProblem)).toEqual([
      'S:17 start: is not a real date and time, got "2025-02-30T00:00:00Z"',
    ]);
  });

  it("accepts start with +00:00 and fractional seconds", async () => {
    const { loadLines } = await import("./helpers.js");
    const s = await loadLines([...MINIMAL, "start: 2025-06-01T12:30:15.250+00:00"]);
    expect(s.startMs).toBe(Date.UTC(2025, 5, 1, 12, 30, 15, 250));
  });

  it("reports every problem of the file at once, sorted by line", async () => {
    const lines = [...MINIMAL];
    lines[1] = "horizon: soon"; // 2
    lines[6] = "      nodes: -1"; // 7
    lines[13] = "        arrival: { process: poisson, rate_per_s: 5, burst: 2 }"; // 14
    lines[14] = "        prompt_tokens: { dist: constant, value: 0 }"; // 15
    lines.push("seed: x"); // 17
    lines.push("billing: { pue: 0.9 }"); // 18
    const problems = await problemsOfLines(lines);
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [2, "horizon"],
      [7, "fleet.pools.0.nodes"],
      [14, `${WL}.arrival.burst`],
      [15, `${WL}.prompt_tokens.value`],
      [17, "seed"],
      [18, "billing.pue"],
    ]);
    expect(problems[5].message).toBe("must be >= 1, got 0.9");
    expect(problems[3].message).toBe("must be > 0, got 0");
  });
});
