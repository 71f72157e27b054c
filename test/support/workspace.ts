/** Test support: a temporary folder holding a small scenario (the M/M/c validation one) and its profiles, as an analyst's folder would. */
import { chmodSync, cpSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scenarioPath } from "./run-scenario.js";

/** The folder (real path, readable by all), with `my.yaml` and `profiles/` in it. */
export function scenarioWorkspace(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  chmodSync(dir, 0o755);
  cpSync(scenarioPath("scenarios/validation/mmc-rho-0.5.yaml"), join(dir, "my.yaml"));
  cpSync(scenarioPath("scenarios/validation/profiles"), join(dir, "profiles"), { recursive: true });
  return dir;
}
