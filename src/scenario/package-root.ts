/** Where the package is installed, and the data it ships (hardware profiles, model catalog). */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cachedRoot: string | undefined;

/**
 * The folder of the nearest package.json above this module: the repository under vitest/tsx
 * (module in src/), the installed package after `tsc` (module in dist/).
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function shippedProfileDir(): string {
  return join(packageRoot(), "hardware-profiles");
}

export function shippedCatalogFile(): string {
  return join(shippedProfileDir(), "models.yaml");
}
