// After `tsc`: bundles the command line (src/cli/main.ts and what it imports, the packages
// included) with esbuild into dist/cli/main.js plus shared chunks in dist/chunks/, replacing tsc's
// dist/cli/main.js. Node then reads a few files instead of some 370 at start-up (`fleetsim
// validate` on a small file: see docs/performance.md). Each command's code stays a chunk loaded
// only when that command runs. Everything else in dist/ (the library API, the worker threads'
// modules) is tsc's output, unchanged.
//
// Kept out of the bundle: exceljs and jszip (loaded only by --xlsx, from node_modules).
// zod's translations of its own messages (zod/v4/locales, some 400 KB that every start would
// compile) are replaced by an empty module: fleetsim writes its own messages and never selects a
// zod locale; zod's English default is imported by zod itself and stays.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const noZodLocales = {
  name: "no-zod-locales",
  setup(b) {
    // Imported as `locales` by zod/v4/classic and zod/v4/core; zod's own code imports locales/en.js.
    const zod = join("node_modules", "zod", "v4");
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(zod) ? { path: "zod-locales", namespace: "stub" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export {};", loader: "js" }));
  },
};

// Chunks are named by content: those of an earlier build would stay behind.
rmSync(join(root, "dist", "chunks"), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["src/cli/main.ts"],
  outbase: "src",
  outdir: "dist",
  // Chunks sit one folder below dist/, as every module does, so code that finds the package
  // (src/output/build.ts) or a worker (src/worker-entry.ts) from import.meta.url finds the same.
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  external: ["exceljs", "jszip"],
  // CommonJS packages in the bundle (seedrandom, csv-*) call require for Node's own modules.
  banner: {
    js: 'import { createRequire as __fleetsimRequire } from "node:module";\nconst require = __fleetsimRequire(import.meta.url);',
  },
  plugins: [noZodLocales],
  logLevel: "warning",
});
