// After `tsc`: records in dist/build-info.json the hash of the src/ that was compiled, so a run
// from dist/ reports the same build id as a run from that source (src/output/build.ts).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { writeBuildInfo } = await import(join(root, "dist", "output", "build.js"));
writeBuildInfo(join(root, "src"), join(root, "dist"));
