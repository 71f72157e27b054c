/**
 * The docs stand alone and their examples are real: no reference to a file outside the
 * repository, every relative link resolves, the Kubernetes Job of docs/sweeps.md is a valid Job,
 * and the Slurm recipe keeps what makes it work (CI runs it on a real cluster: .ci/slurm-check).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Job } from "kubernetes-models/batch/v1";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/run-scenario.js";

const DOCS = [
  "README.md",
  "CHANGELOG.md",
  ...readdirSync(join(repoRoot, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const text = (f: string) => readFileSync(join(repoRoot, f), "utf8");

/** Markdown links and images `[..](target)` that are not web addresses or mail. */
function relativeLinks(md: string): string[] {
  const out: string[] = [];
  for (const m of md.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push(target);
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N} -]/gu, "")
    .replace(/ /g, "-");

/** Lines that refer to files outside the repository: the reference folder, this machine's paths, a parent folder. */
function outsideReferences(md: string): string[] {
  return md
    .split("\n")
    .filter((line) => /\.\.\/shared|\/work\/|\/home\/|\/tmp\/fleetsim|\]\(\.\.\//.test(line));
}

describe("the docs stand alone", () => {
  it("README, CHANGELOG and docs/ name no file outside the repository", () => {
    const found = DOCS.flatMap((f) => outsideReferences(text(f)).map((line) => `${f}: ${line.trim()}`));
    expect(found).toEqual([]);
  });

  it("the check sees a reference outside the repository", () => {
    expect(outsideReferences("traces from `../shared/traces/`")).toHaveLength(1);
    expect(outsideReferences("see /work/shared/spec")).toHaveLength(1);
    expect(outsideReferences("[x](../other/file.md)")).toHaveLength(1);
    expect(outsideReferences("see [docs](docs/cli.md) and https://github.com/x/y")).toHaveLength(0);
  });

  it("every relative link resolves to a file in the repository, and its #anchor to a heading", () => {
    const broken: string[] = [];
    for (const f of DOCS) {
      for (const link of relativeLinks(text(f))) {
        const [path, anchor] = link.split("#") as [string, string | undefined];
        const target = path === "" ? join(repoRoot, f) : resolve(dirname(join(repoRoot, f)), decodeURI(path));
        if (relative(repoRoot, target).startsWith("..") || !existsSync(target)) {
          broken.push(`${f}: ${link}`);
          continue;
        }
        if (anchor && target.endsWith(".md")) {
          const anchors = [...readFileSync(target, "utf8").matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
            anchorOf(m[1]!),
          );
          if (!anchors.includes(anchor)) broken.push(`${f}: ${link} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(relativeLinks("[a](docs/x.md) [b](https://x.org) ![c](img.png)")).toEqual([
      "docs/x.md",
      "img.png",
    ]);
    expect(anchorOf("Public traces")).toBe("public-traces");
  });

  it("the README gives the public traces' addresses and licences", () => {
    const readme = text("README.md");
    expect(readme).toContain("https://github.com/Azure/AzurePublicDataset");
    expect(readme).toContain("https://github.com/kvcache-ai/Mooncake");
    expect(readme).toContain("CC BY 4.0");
    expect(readme).toContain("Apache-2.0");
  });
});

/** The fenced blocks of one language under a heading of docs/sweeps.md. */
function blocks(heading: string, lang: string): string[] {
  const md = text("docs/sweeps.md");
  const start = md.indexOf(`## ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = md.indexOf("\n## ", start + 3);
  const section = md.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1]!);
}

describe("the Kubernetes Job in docs/sweeps.md", () => {
  const job = () => parse(blocks("A Kubernetes indexed Job", "yaml")[0]!);

  it("is a valid batch/v1 Job (kubernetes-models' schema), indexed, one completion per shard", () => {
    const spec = job();
    expect(() => new Job(spec).validate()).not.toThrow();
    expect(spec.spec.completionMode).toBe("Indexed");
    const args: string[] = spec.spec.template.spec.containers[0].args;
    expect(args[args.indexOf("--shard") + 1]).toBe(`auto/${spec.spec.completions}`);
    // node itself, so that the pod's SIGTERM reaches fleetsim.
    expect(spec.spec.template.spec.containers[0].command[0]).toBe("node");
  });

  it("the schema check rejects a broken Job", () => {
    const spec = job();
    spec.spec.completions = "four";
    expect(() => new Job(spec).validate()).toThrow(/completions/);
    const noContainers = job();
    delete noContainers.spec.template.spec.containers;
    expect(() => new Job(noContainers).validate()).toThrow(/containers/);
  });
});

describe("the Slurm recipe in docs/sweeps.md", () => {
  it("creates the log folder, runs node with exec, cancels the merge when a task fails, and says how to recover", () => {
    const [script] = blocks("A Slurm job array", "bash");
    const [submit, recover] = blocks("A Slurm job array", "sh");
    expect(script).toMatch(/^exec node dist\/cli\/main\.js sweep /m);
    expect(script).not.toMatch(/^[^#]*npx/m);
    expect(submit).toMatch(/^mkdir -p logs/m);
    expect(submit).toMatch(/--dependency=afterok:\$jobid --kill-on-invalid-dep=yes/);
    expect(submit).toMatch(/'exec node dist\/cli\/main\.js merge /);
    expect(recover).toMatch(/sbatch --parsable --array=2 sweep\.sbatch/);
    expect(recover).toMatch(/--kill-on-invalid-dep=yes/);
  });
});
