/**
 * Bad input for swap preemption is refused as the other scheduler and profile fields are: the file,
 * line and field named, exit code 2, nothing written, no stack trace. `preemption: swap` applies to
 * step-level service only: under `prefill: pause` (given, or the default of static batching) a
 * replica reserves each request's KV memory at admission and never preempts.
 */
import { cpSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../src/errors.js";
import { loadLines, MINIMAL, problemsOfLines } from "../scenario/helpers.js";
import { cli } from "../support/cli.js";
import { expectRunRefusesVariant } from "../support/refusal.js";
import { scenarioPath } from "../support/run-scenario.js";

const messages = async (lines: string[]) => (await problemsOfLines(lines)).map(formatProblem);

describe("scheduler.preemption: bad input", () => {
  it("names the field, its line and why, under prefill: pause given or implied", async () => {
    const why =
      "preemption: swap needs prefill: chunked (under prefill: pause a replica reserves each request's KV memory at admission and never preempts)";
    expect(await messages([...MINIMAL, "scheduler: { prefill: pause, preemption: swap }"])).toEqual([
      `S:17 scheduler.preemption: ${why}`,
    ]);
    // static batching defaults to prefill: pause
    expect(await messages([...MINIMAL, "scheduler: { batching: static, preemption: swap }"])).toEqual([
      `S:17 scheduler.preemption: ${why}`,
    ]);
    expect(await messages([...MINIMAL, "scheduler: { preemption: swapp }"])).toEqual([
      'S:17 scheduler.preemption: must be one of recompute, swap, got "swapp", did you mean "swap"?',
    ]);
    // accepted: swap with chunked prefill (given or default), recompute with either
    for (const ok of [
      "scheduler: { preemption: swap }",
      "scheduler: { prefill: chunked, preemption: swap }",
      "scheduler: { prefill: pause, preemption: recompute }",
    ]) {
      const s = await loadLines([...MINIMAL, ok]);
      expect(s.scheduler.preemption).toBe(ok.includes("swap") ? "swap" : "recompute");
    }
  });

  it("swap_space_gb: GiB of host memory per accelerator, only with preemption: swap, never negative", async () => {
    expect(await messages([...MINIMAL, "scheduler: { swap_space_gb: 8 }"])).toEqual([
      "S:17 scheduler.swap_space_gb: swap_space_gb applies only with preemption: swap (a recomputed request keeps nothing in host memory)",
    ]);
    expect(await messages([...MINIMAL, "scheduler: { preemption: swap, swap_space_gb: -1 }"])).toEqual([
      "S:17 scheduler.swap_space_gb: must be >= 0, got -1",
    ]);
    const given = await loadLines([...MINIMAL, "scheduler: { preemption: swap, swap_space_gb: 0.5 }"]);
    expect(given.scheduler.swapSpaceBytes).toBe(2 ** 29);
    const byDefault = await loadLines([...MINIMAL, "scheduler: { preemption: swap }"]);
    expect(byDefault.scheduler.swapSpaceBytes).toBeNull();
  });

  it("the command line exits 2 with file:line and field, and writes nothing", () => {
    expectRunRefusesVariant(
      "test/fixtures/serving/chunked-8b.yaml",
      "scheduler: { routing: least_loaded, prefill: chunked }",
      "scheduler: { routing: least_loaded, prefill: pause, preemption: swap }",
      "preemption: swap",
      "scheduler.preemption: preemption: swap needs prefill: chunked",
    );
  });
});

describe("host_link_gb_per_s: bad input", () => {
  it("a zero or negative host link is refused with the profile's file, line and field", () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "fleetsim-host-link-")));
    cpSync(scenarioPath("test/fixtures/step-table/lone.yaml"), join(dir, "lone.yaml"));
    cpSync(scenarioPath("test/fixtures/step-table/profiles"), join(dir, "profiles"), { recursive: true });
    const file = join(dir, "profiles", "h100-table.yaml");
    const original = readFileSync(file, "utf8");
    for (const bad of ["0", "-64"]) {
      const text = original.replace(/^(peak_tflops_bf16:.*)$/m, `$1\nhost_link_gb_per_s: ${bad}`);
      expect(text).not.toBe(original);
      writeFileSync(file, text);
      const line = text.split("\n").findIndex((l) => l.startsWith("host_link_gb_per_s")) + 1;
      const r = cli(["validate", join(dir, "lone.yaml")]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${file}:${line} host_link_gb_per_s: must be > 0, got ${bad}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
