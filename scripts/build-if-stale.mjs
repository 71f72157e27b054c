// `npm start`'s build step: builds dist/ only when its inputs changed since the last build (the
// hash dist/build-info.json records), so a start after an unchanged checkout skips tsc.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputsHash } from "./build-inputs.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let recorded = null;
try {
  recorded = JSON.parse(readFileSync(join(root, "dist", "build-info.json"), "utf8")).inputs_sha256;
} catch {
  // no build yet
}
if (recorded !== inputsHash(root)) {
  const r = spawnSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
  process.exit(r.status ?? 1);
}
