/**
 * `npm start` rebuilds dist/ only when an input of the build changed: the sources or the package
 * compiler and bundler settings (scripts/build-inputs.mjs), by content, not by time stamp.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain script of the build, without types
import { inputsHash } from "../../scripts/build-inputs.mjs";

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), "fleetsim-build-"));
  mkdirSync(join(root, "src", "cli"), { recursive: true });
  writeFileSync(join(root, "src", "cli", "main.ts"), "export const a = 1;\n");
  mkdirSync(join(root, "scripts"));
  for (const f of ["package.json", "tsconfig.json", "tsconfig.build.json", "scripts/bundle-cli.mjs"])
    writeFileSync(join(root, f), "{}\n");
  return root;
}

describe("the build's inputs hash", () => {
  it("changes with a source's or a setting's content, a new source, not with a time stamp", () => {
    const root = tree();
    const h0 = (inputsHash as (r: string) => string)(root);
    utimesSync(join(root, "src", "cli", "main.ts"), new Date(0), new Date(0));
    expect(inputsHash(root)).toBe(h0);
    writeFileSync(join(root, "src", "cli", "main.ts"), "export const a = 2;\n");
    const h1 = inputsHash(root);
    expect(h1).not.toBe(h0);
    writeFileSync(join(root, "tsconfig.build.json"), '{ "x": 1 }\n');
    const h2 = inputsHash(root);
    expect(h2).not.toBe(h1);
    writeFileSync(join(root, "scripts", "bundle-cli.mjs"), "// x\n");
    const h3 = inputsHash(root);
    expect(h3).not.toBe(h2);
    writeFileSync(join(root, "src", "new.ts"), "\n");
    expect(inputsHash(root)).not.toBe(h3);
  });
});
