/**
 * Issue #25, item 3: hostile YAML and inputs. Prototype keys (in files and in --set paths), unknown
 * tags, bytes that are not UTF-8, aliases of no anchor and keys that are not plain values are each
 * reported with their line; files that are not regular files, or are too large, are refused before
 * reading; --set problems name --set. Nothing pollutes Object.prototype.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatProblem, InputError } from "../../src/errors.js";
import { loadScenario } from "../../src/scenario/load.js";
import { loadProfiles } from "../../src/scenario/profiles.js";
import { MAX_YAML_BYTES } from "../../src/scenario/yaml-source.js";
import {
  fixtureOpts,
  MINIMAL,
  PROFILE_DIR,
  problemsOf,
  problemsOfLines,
  withLine,
  writeScenario,
} from "../scenario/helpers.js";
import { cli } from "../support/cli.js";

const formatted = async (lines: string[], set?: string[]) =>
  (await problemsOfLines(lines, set ? { set } : {})).map(formatProblem);

afterEach(() => {
  // No test may leave anything on Object.prototype.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe("prototype keys", () => {
  it.each(["__proto__", "constructor", "prototype"])(
    "refuses the key %s anywhere in a scenario, with its line",
    async (key) => {
      const got = await formatted([
        ...MINIMAL.slice(0, 11),
        `    ${key}: { polluted: 1 }`,
        ...MINIMAL.slice(11),
      ]);
      expect(got).toEqual([
        `S:12 tenants.0.${key}: the key "${key}" is not allowed (no field has this name, and it would reach a JavaScript prototype)`,
      ]);
    },
  );

  it("refuses them at the top level and in flow mappings", async () => {
    const got = await formatted([
      ...MINIMAL,
      "__proto__: { polluted: 1 }",
      "billing: { constructor: { prototype: 1 } }",
    ]);
    expect(got.map((l) => l.split(":").slice(0, 2).join(":"))).toEqual([
      "S:17 __proto__",
      "S:18 billing.constructor",
      "S:18 billing.constructor.prototype",
    ]);
  });

  it("refuses them in hardware-profile files", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-hostile-"));
    const text = readFileSync(join(PROFILE_DIR, "fx-h100.yaml"), "utf8");
    writeFileSync(join(dir, "p.yaml"), `${text}\n__proto__: { polluted: 1 }\n`);
    let got: string[] = [];
    try {
      loadProfiles([dir]);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      got = (e as InputError).problems.map((p) => formatProblem({ ...p, file: "P" }));
    }
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^P:\d+ __proto__: the key "__proto__" is not allowed/);
  });

  it.each([
    ["__proto__.polluted=1", "__proto__"],
    ["tenants.0.__proto__.polluted=1", "__proto__"],
    ["constructor.prototype.polluted=1", "constructor"],
    ["billing.prototype=1", "prototype"],
  ])("refuses --set %s, naming --set", async (entry, key) => {
    expect(await formatted(MINIMAL, [entry])).toEqual([
      `--set: the key "${key}" is not allowed (no field has this name, and it would reach a JavaScript prototype) (in ${entry})`,
    ]);
  });

  it("refuses prototype keys inside a --set value", async () => {
    const got = await formatted(MINIMAL, ["billing={__proto__: {polluted: 1}}"]);
    expect(got).toEqual([
      '--set: the value is not valid YAML: __proto__: the key "__proto__" is not allowed (no field has this name, and it would reach a JavaScript prototype) (in billing={__proto__: {polluted: 1}})',
    ]);
  });
});

describe("YAML features that are not plain data", () => {
  it.each([
    ["!include other.yaml", "the tag !include is not supported (plain YAML data only)"],
    ["!!binary aGVsbG8=", "the tag !!binary is not supported (plain YAML data only)"],
    ["!!js/function 'x'", "the tag !!js/function is not supported (plain YAML data only)"],
  ])("refuses the tag in %s with its line", async (value) => {
    const got = await formatted(withLine(1, `name: ${value}`));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^S:1 name: the tag !+[\w/]+ is not supported \(plain YAML data only\)$/);
  });

  it("refuses an unknown tag deep in the file with its line", async () => {
    expect(await formatted(withLine(15, "        prompt_tokens: !include tokens.yaml"))).toEqual([
      "S:15 tenants.0.workloads.0.prompt_tokens: the tag !include is not supported (plain YAML data only)",
    ]);
  });

  it("reports an alias of no anchor with its line", async () => {
    expect(await formatted(withLine(15, "        prompt_tokens: *undefined_alias"))).toEqual([
      "S:15 tenants.0.workloads.0.prompt_tokens: the alias *undefined_alias has no anchor &undefined_alias before it",
    ]);
  });

  it("still accepts anchors, aliases and merge keys", async () => {
    const lines = withLine(15, "        prompt_tokens: &p { dist: constant, value: 100 }");
    const s = await loadScenario(
      writeScenario([...withLine(16, "        output_tokens: *p", lines)]),
      fixtureOpts,
    );
    expect(s.tenants[0].workloads[0].outputTokens).toEqual({ dist: "constant", value: 100, max: null });
  });

  it("refuses a key that is a list or a mapping, with its line", async () => {
    expect(await formatted([...MINIMAL, "? [a, b]", ": 1"])).toEqual([
      "S:17: a key must be a plain value, not a list, mapping or alias",
    ]);
  });

  it.each([150, 5000])(
    "refuses lists nested %i deep with their line, without running out of stack",
    async (n) => {
      const got = await formatted([...MINIMAL, `description: ${"[".repeat(n)}1${"]".repeat(n)}`]);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatch(
        /^S:17( description[.\d]*)?: lists or mappings nest too deeply \(more than 100 levels\)$/,
      );
    },
  );

  it("refuses bytes that are not UTF-8 with their line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-hostile-"));
    const file = join(dir, "latin1.yaml");
    const text = MINIMAL.join("\n").replace("name: minimal", "name: caf\u00e9");
    writeFileSync(file, Buffer.from(`${text}\n`, "latin1"));
    expect((await problemsOf(loadScenario(file, fixtureOpts))).map(formatProblem)).toEqual([
      `${file}:1: the file is not UTF-8 text: byte 0xe9 at offset 9 (save it as UTF-8)`,
    ]);
  });

  it.each([
    ["a lone continuation byte", [0x80]],
    ["an overlong encoding", [0xc0, 0xaf]],
    ["a UTF-16 surrogate", [0xed, 0xa0, 0x80]],
    ["a truncated sequence", [0xe2, 0x82]],
  ])("refuses %s", async (_, bytes) => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-hostile-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${MINIMAL.join("\n")}\ndescription: "`),
        Buffer.from(bytes),
        Buffer.from('"\n'),
      ]),
    );
    const got = (await problemsOf(loadScenario(file, fixtureOpts))).map(formatProblem);
    expect(got).toEqual([
      expect.stringMatching(new RegExp(`^${file}:17: the file is not UTF-8 text: byte 0x`)),
    ]);
  });
});

describe("files that are not regular files, or too large", () => {
  const refused = async (file: string) =>
    (await problemsOf(loadScenario(file, fixtureOpts))).map(formatProblem);

  it("refuses /dev/zero without reading it", async () => {
    expect(await refused("/dev/zero")).toEqual(["/dev/zero: is a device, not a regular file"]);
  });

  it("refuses a folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-hostile-"));
    expect(await refused(dir)).toEqual([`${dir}: is a folder, not a regular file`]);
  });

  it("refuses a FIFO without blocking on it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-hostile-"));
    const fifo = join(dir, "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(await refused(fifo)).toEqual([`${fifo}: is a pipe (FIFO), not a regular file`]);
  });

  it("refuses a file larger than the limit before reading it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-hostile-"));
    const file = join(dir, "huge.yaml");
    writeFileSync(file, `${MINIMAL.join("\n")}\n`);
    truncateSync(file, 50 * 1024 * 1024); // sparse: 50 MB without writing them
    expect(await refused(file)).toEqual([
      `${file}: the file is ${50 * 1024 * 1024} bytes, larger than the limit of ${MAX_YAML_BYTES} bytes`,
    ]);
  });

  it.each([
    ["/dev/zero", () => "/dev/zero"],
    [
      "a FIFO",
      () => {
        const fifo = join(mkdtempSync(join(tmpdir(), "fleetsim-hostile-")), "trace.csv");
        execFileSync("mkfifo", [fifo]);
        return fifo;
      },
    ],
  ])("refuses a trace or token file that is %s, with the field's line", async (_, make) => {
    const name = make();
    const got = await formatted(
      withLine(14, `        arrival: { process: trace, file: ${name} }`).slice(0, 14),
    );
    expect(got).toEqual([
      `S:14 tenants.0.workloads.0.arrival.file: is not a regular file: "${name}" (${name})`,
    ]);
  });

  it("refuses a hardware-profile path that is a device", () => {
    expect(() => loadProfiles(["/dev/zero"])).toThrow(InputError);
  });

  it("says so for a file it may not read", async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-hostile-"));
    const file = join(dir, "secret.yaml");
    writeFileSync(file, "name: x\n", { mode: 0o000 });
    expect(await refused(file)).toEqual([`${file}: cannot read: permission denied`]);
  });
});

describe("--set problems name --set, never a line of the file", () => {
  it.each([
    ["horizon=100y", "--set horizon: must be at most 315360000 s (10 years)"],
    ["billing.pue=0.5", "--set billing.pue: must be >= 1, got 0.5"],
    ["scheduler.max_batch=1e9", "--set scheduler.max_batch: must be <= 1000000, got 1000000000"],
    [
      "tenants.0.workloads.0.arrival={process: poisson}",
      "--set tenants.0.workloads.0.arrival.rate_per_s: is required",
    ],
    ["fleet.pools.0.nodes=1e7", "--set fleet.pools.0.nodes: must be <= 100000, got 10000000"],
    ["colour=blue", '--set colour: unknown field "colour"'],
    ["name=!include x", "--set: the value is not valid YAML: the tag !include is not supported"],
    ["name=*nope", "--set: the value is not valid YAML: the alias *nope has no anchor"],
  ])("--set %s", async (entry, start) => {
    const got = await formatted(MINIMAL, [entry]);
    expect(got).toHaveLength(1);
    expect(got[0].startsWith(start)).toBe(true);
  });

  it("blames --set for a field it created inside a mapping absent from the file", async () => {
    const got = await formatted(MINIMAL, ["fluid.windows=[{duration: 1h}]", "fidelity=hybrid"]);
    expect(got.every((l) => l.startsWith("--set"))).toBe(true);
  });
});

describe("through the CLI: exit 2, one line, no stack trace, nothing written", () => {
  it.each([
    ["/dev/zero", () => "/dev/zero", "/dev/zero: is a device, not a regular file"],
    [
      "a FIFO",
      () => {
        const fifo = join(mkdtempSync(join(tmpdir(), "fleetsim-hostile-")), "p.yaml");
        execFileSync("mkfifo", [fifo]);
        return fifo;
      },
      ": is a pipe (FIFO), not a regular file",
    ],
    [
      "an !include tag",
      () => {
        const file = join(mkdtempSync(join(tmpdir(), "fleetsim-hostile-")), "s.yaml");
        writeFileSync(file, "name: !include secrets.yaml\nhorizon: 1h\n");
        return file;
      },
      ":1 name: the tag !include is not supported",
    ],
  ])("run %s", (_, make, message) => {
    const file = make();
    const dir = mkdtempSync(join(tmpdir(), "fleetsim-out-"));
    const out = join(dir, "o");
    mkdirSync(dir, { recursive: true });
    const r = cli(["run", file, "--out", out, "--quiet"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringContaining(message)]);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(existsSync(out)).toBe(false);
  });

  it("validate --set __proto__ names --set", () => {
    const r = cli([
      "run",
      "scenarios/multi-model-2025.yaml",
      "--set",
      "__proto__.polluted=1",
      "--quiet",
      "--out",
      join(mkdtempSync(join(tmpdir(), "fleetsim-out-")), "o"),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--set: the key "__proto__" is not allowed/);
  });
});
