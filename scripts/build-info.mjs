// After `tsc`: records in dist/build-info.json the hash of the src/ that was compiled, so a run
// from dist/ reports the same build id as a run from that source (src/output/build.ts), and the
// hash of every input of the build, so `npm start` can skip a build that would change nothing.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputsHash } from "./build-inputs.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { writeBuildInfo, BUILD_INFO_FILE } = await import(join(root, "dist", "output", "build.js"));
writeBuildInfo(join(root, "src"), join(root, "dist"));
const file = join(root, "dist", BUILD_INFO_FILE);
const info = JSON.parse(readFileSync(file, "utf8"));
writeFileSync(file, `${JSON.stringify({ ...info, inputs_sha256: inputsHash(root) }, null, 2)}\n`);
