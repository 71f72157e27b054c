/**
 * Bad step tables in a hardware profile are input errors: exit code 2, the file, line and field
 * named, nothing written, no stack trace.
 */
import { cpSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli.js";
import { scenarioPath } from "../support/run-scenario.js";

const PROFILE = readFileSync(scenarioPath("test/fixtures/step-table/profiles/h100-table.yaml"), "utf8");

/** `fleetsim validate` of the lone-request scenario with its profile edited by `edit`. */
function validateWith(edit: (text: string) => string) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "fleetsim-step-table-")));
  cpSync(scenarioPath("test/fixtures/step-table/lone.yaml"), join(dir, "lone.yaml"));
  cpSync(scenarioPath("test/fixtures/step-table/profiles"), join(dir, "profiles"), { recursive: true });
  const file = join(dir, "profiles", "h100-table.yaml");
  const text = edit(PROFILE);
  expect(text).not.toBe(PROFILE);
  writeFileSync(file, text);
  const r = cli(["validate", join(dir, "lone.yaml")]);
  const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
  return { ...r, file, lineOf };
}

describe("bad step tables", () => {
  it("the shipped fixture is valid", () => {
    const r = cli(["validate", scenarioPath("test/fixtures/step-table/lone.yaml")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("an axis that is not strictly increasing", () => {
    const r = validateWith((t) => t.replace("context: [256, 1024, 4096]", "context: [256, 4096, 1024]"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${r.file}:${r.lineOf("context: [256")} performance.0.decode_step_ms.context.2: context lengths must be strictly increasing, got 1024 after 4096`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a chunk-size axis that repeats a value", () => {
    const r = validateWith((t) =>
      t.replace("tokens: [128, 512, 2048, 8192]", "tokens: [128, 512, 512, 8192]"),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${r.file}:${r.lineOf("tokens: [128")} performance.0.prefill_step_ms.tokens.2:`,
    );
  });

  it("a missing cell (a row shorter than the context axis) and a missing row", () => {
    const r = validateWith((t) => t.replace("- [9.0, 12.0, 24.0]", "- [9.0, 12.0]"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${r.file}:${r.lineOf("- [9.0, 12.0]")} performance.0.decode_step_ms.ms.2: row 2 (batch 64) must have one value per context length (3), got 2`,
    );
    const rows = validateWith((t) => t.replace("        - [16.0, 28.0, 76.0]\n", ""));
    expect(rows.status).toBe(2);
    expect(rows.stderr).toContain(
      "performance.0.decode_step_ms.ms: must have one row per batch size (4), got 3 rows",
    );
  });

  it("a negative or zero time", () => {
    const r = validateWith((t) => t.replace("ms: [9.0, 14.0, 40.0, 150.0]", "ms: [9.0, -14.0, 40.0, 150.0]"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${r.file}:${r.lineOf("ms: [9.0, -14.0")} performance.0.prefill_step_ms.ms.1: must be > 0, got -14`,
    );
    const zero = validateWith((t) => t.replace("- [6.0, 6.4, 7.6]", "- [6.0, 0, 7.6]"));
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain("performance.0.decode_step_ms.ms.0.1: must be > 0, got 0");
  });

  it("half of a step table, or both kinds of table in one entry", () => {
    const half = validateWith((t) => t.replace(/ {4}prefill_step_ms:\n.*\n.*\n/, ""));
    expect(half.status).toBe(2);
    expect(half.stderr).toContain(
      `${half.file}:${half.lineOf("- model: llama-3.1-8b")} performance.0: prefill_step_ms is missing`,
    );
    const both = validateWith((t) =>
      t.replace("    prefill_step_ms:", "    prefill_tokens_per_s: 5000\n    prefill_step_ms:"),
    );
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("performance.0: give either a batch-only table");
  });
});
