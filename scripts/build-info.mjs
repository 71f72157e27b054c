// After `tsc`: records in dist/build-info.json the hash of the src/ that was compiled, so a run
// from dist/ reports the same build id as a run from that source (src/output/build.ts), and the
// hash of every input of the build, so `npm start` can skip a build that would change nothing.
// Then parses the shipped hardware profiles and model catalog into dist/parsed-data.json
// (src/scenario/parsed-data.ts), which also checks them: a shipped file with a problem fails the build.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputsHash } from "./build-inputs.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { writeBuildInfo, BUILD_INFO_FILE } = await import(join(root, "dist", "output", "build.js"));
writeBuildInfo(join(root, "src"), join(root, "dist"));
const file = join(root, "dist", BUILD_INFO_FILE);
const info = JSON.parse(readFileSync(file, "utf8"));
writeFileSync(file, `${JSON.stringify({ ...info, inputs_sha256: inputsHash(root) }, null, 2)}\n`);

// Parsed afresh: the file of an earlier build must not answer for itself.
const dist = join(root, "dist");
const { PARSED_DATA_FILE, writeParsedData } = await import(join(dist, "scenario", "parsed-data.js"));
rmSync(join(dist, PARSED_DATA_FILE), { force: true });
const { loadCatalog, loadProfiles, shippedCatalogFile, shippedProfileDir } = await import(
  join(dist, "scenario", "profiles.js")
);
const profiles = loadProfiles([shippedProfileDir()]).map((profile) => ({
  bytes: readFileSync(profile.file),
  profile,
}));
const catalog = shippedCatalogFile();
writeParsedData(dist, profiles, [{ bytes: readFileSync(catalog), models: loadCatalog(catalog) }]);
