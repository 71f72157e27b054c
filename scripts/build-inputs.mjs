// What a build of dist/ depends on: the sources and the compiler, bundler and package settings. `npm run
// build` records their hash in dist/build-info.json; `npm start` rebuilds only when it changed.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const SETTINGS = ["package.json", "tsconfig.json", "tsconfig.build.json", "scripts/bundle-cli.mjs"];

export function inputsHash(root) {
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(join(root, "src"));
  files.sort();
  const h = createHash("sha256");
  for (const f of [...files, ...SETTINGS.map((s) => join(root, s))]) {
    h.update(relative(root, f).split(sep).join("/"));
    h.update("\0");
    h.update(readFileSync(f));
    h.update("\0");
  }
  return h.digest("hex");
}
