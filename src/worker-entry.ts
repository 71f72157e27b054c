/**
 * How to start a worker thread on one of fleetsim's modules: from dist/ the compiled .js file; from
 * source (tsx, vitest) a bootstrap that registers tsx first and then imports the .ts file.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * `callerUrl` is the import.meta.url of a module one folder below the code root (src/ or dist/,
 * as src/sweep/pool.ts), `path` the worker module's path from that root without extension
 * (`sweep/run-worker`). Resolving from the root rather than beside the caller keeps working when
 * the CLI's bundle (scripts/bundle-cli.mjs) moves the caller's code into dist/chunks/, also one
 * folder below the root; the workers themselves are tsc's files.
 */
export function workerEntry(callerUrl: string, path: string): { script: string | URL; eval: boolean } {
  if (!callerUrl.endsWith(".ts")) return { script: new URL(`../${path}.js`, callerUrl), eval: false };
  // Node 20 ignores --import in a worker's execArgv, so the worker registers tsx's hooks itself
  // (tsx's ESM API, found through this package's own dependency, whatever the working folder).
  const require = createRequire(callerUrl);
  const tsxDir = dirname(require.resolve("tsx/package.json"));
  const api = pathToFileURL(join(tsxDir, "dist/esm/api/index.mjs")).href;
  const worker = new URL(`../${path}.ts`, callerUrl).href;
  return {
    script: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`,
    eval: true,
  };
}
