/** Test support: the CLI refusing a scenario variant as bad input. */
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { cli } from "./cli.js";
import { scenarioPath } from "./run-scenario.js";

/**
 * Writes `fixture` with `from` replaced by `to` to a temporary file and runs `fleetsim run` on it:
 * exit 2, `<file>:<line of the first line containing lineOf> <field>: <message>` on stderr, no stack
 * trace, nothing written.
 */
export function expectRunRefusesVariant(
  fixture: string,
  from: string,
  to: string,
  lineOf: string,
  fieldAndMessage: string,
): void {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "fleetsim-refused-")));
  const original = readFileSync(scenarioPath(fixture), "utf8");
  expect(original).toContain(from);
  const text = original.replace(from, to);
  const file = join(dir, "variant.yaml");
  writeFileSync(file, text);
  const line = text.split("\n").findIndex((l) => l.includes(lineOf)) + 1;
  const out = join(dir, "res");
  const r = cli(["run", file, "--out", out]);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`${file}:${line} ${fieldAndMessage}`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(out)).toBe(false);
}
