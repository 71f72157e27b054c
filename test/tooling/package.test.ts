/**
 * The package as a user installs it: `npm pack`, the tarball installed into an empty project, and
 * the example of docs/api.md run there against `import ... from "fleetsim"`. Needs a dist/ built
 * from this src/ (CI builds before testing); installing takes the dependencies from npm's cache.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { distIsCurrent } from "../support/dist.js";
import { repoRoot, scenarioPath } from "../support/run-scenario.js";

/** The first ```js block of docs/api.md. */
function docsExample(): string {
  const text = readFileSync(join(repoRoot, "docs", "api.md"), "utf8");
  const m = /```js\n([\s\S]*?)```/.exec(text);
  if (!m) throw new Error("docs/api.md has no js example");
  return m[1];
}

describe("the packed package", () => {
  it.skipIf(!distIsCurrent("api/index.js"))(
    "installs from its tarball and runs docs/api.md's example through import 'fleetsim'",
    () => {
      const work = mkdtempSync(join(tmpdir(), "fleetsim-pack-"));
      const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], {
        cwd: repoRoot,
        encoding: "utf8",
      }).trim();
      const tarball = join(work, packed.split("\n").pop()!);
      const project = join(work, "project");
      execFileSync("mkdir", [project]);
      writeFileSync(
        join(project, "package.json"),
        JSON.stringify({ name: "uses-fleetsim", private: true, type: "module" }),
      );
      const install = spawnSync(
        "npm",
        ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball],
        { cwd: project, encoding: "utf8" },
      );
      expect(install.status, install.stderr).toBe(0);
      writeFileSync(join(project, "example.mjs"), docsExample());
      const r = spawnSync(
        process.execPath,
        ["example.mjs", scenarioPath("scenarios/validation/mmc-rho-0.5.yaml")],
        {
          cwd: project,
          encoding: "utf8",
        },
      );
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.trim().split("\n");
      const version = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version;
      expect(lines[0]).toMatch(
        new RegExp(`^fleetsim ${version.replace(/\./g, "\\.")}: about \\d+ requests expected$`),
      );
      const out = JSON.parse(lines[1]);
      expect(out.completed).toBeGreaterThan(1000);
      expect(out.utilization).toBeGreaterThan(0);
      expect(out.ttftP99S).toBeGreaterThanOrEqual(0);
      expect(out.files).toContain("summary.csv");
      expect(lines[2]).toMatch(/^refused: [1-9]\d* problem\(s\)$/);
      // Only the public entry point is importable.
      const deep = spawnSync(
        process.execPath,
        ["--input-type=module", "-e", 'await import("fleetsim/dist/run/simulate.js")'],
        {
          cwd: project,
          encoding: "utf8",
        },
      );
      expect(deep.status).not.toBe(0);
      expect(deep.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    },
  );
});
