/** Command-line manners: help text for every option and positional, did-you-mean, --version. */
import { describe, expect, it } from "vitest";
import { COMMANDS, nearest } from "../../src/cli/suggest.js";
import { cli } from "../support/cli.js";

/** The entries of the Positionals and Options blocks of a --help text, each with its description. */
function helpEntries(help: string): { name: string; description: string }[] {
  const entries: { name: string; description: string }[] = [];
  let inBlock = false;
  for (const line of help.split("\n")) {
    if (/^(Positionals|Options):$/.test(line)) {
      inBlock = true;
      continue;
    }
    if (line.trim() === "") {
      inBlock = false;
      continue;
    }
    const m = /^ {2}(\S+)\s+(.*)$/.exec(line);
    if (inBlock && m) {
      // The description is what stands before the bracketed type, default and choices.
      entries.push({ name: m[1]!, description: m[2]!.replace(/\s*\[.*$/, "").trim() });
    }
  }
  return entries;
}

describe("help text", () => {
  it.each(COMMANDS)("fleetsim %s --help describes every positional and option", (command) => {
    const r = cli([command, "--help"]);
    expect(r.status, r.stderr).toBe(0);
    const entries = helpEntries(r.stdout);
    expect(entries.length).toBeGreaterThanOrEqual(2); // --help and --version at least
    expect(entries.filter((e) => e.description === "").map((e) => e.name)).toEqual([]);
  });

  it("the check sees an option without a description", () => {
    const help =
      'Options:\n  --help      Show help  [boolean]\n  --fidelity        [choices: "request", "fluid"]\n';
    expect(
      helpEntries(help)
        .filter((e) => e.description === "")
        .map((e) => e.name),
    ).toEqual(["--fidelity"]);
  });
});

describe("did you mean", () => {
  it("suggests the command a typo was meant to be, exit 2", () => {
    for (const [typed, meant] of [
      ["runn", "run"],
      ["repot", "report"],
      ["sweeep", "sweep"],
      ["valdiate", "validate"],
    ]) {
      const r = cli([typed!, "x"]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`command line: unknown command "${typed}": did you mean "${meant}"?`);
    }
  });

  it("lists the commands when nothing is close", () => {
    const r = cli(["xyz"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "xyz"; the commands are run, validate, compare, sweep');
  });

  it("suggests the option a typo was meant to be, from the command's own options", () => {
    const r = cli(["run", "--fidelty", "request", "scenarios/multi-model-2025.yaml"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("command line: unknown option --fidelty: did you mean --fidelity?");
    const s = cli(["sweep", "x.yaml", "--vary", "a=1", "--out", "o", "--shrad", "1/2"]);
    expect(s.stderr.trim()).toBe("command line: unknown option --shrad: did you mean --shard?");
  });

  it("keeps suggestions to near misses", () => {
    expect(nearest("xyz", COMMANDS)).toBeNull();
    expect(nearest("compar", COMMANDS)).toBe("compare");
    expect(nearest("profile", COMMANDS)).toBe("profiles");
  });
});

describe("--version", () => {
  it("prints the version and build and exits 0", () => {
    const r = cli(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^fleetsim \d+\.\d+\.\d+ \(build /);
  });
});
