/** `fleetsim profiles [ID]`: the shipped (and extra) hardware profiles and catalog models. */

import { join } from "node:path";
import { loadCatalog, loadProfiles, shippedProfileDir } from "../../scenario/profiles.js";
import { profilesText } from "./profiles.js";

export function profilesCommand(id: string | undefined, extra: string[]): void {
  const dir = shippedProfileDir();
  const profiles = loadProfiles([dir, ...extra]);
  const models = loadCatalog(join(dir, "models.yaml"));
  process.stdout.write(profilesText(profiles, models, id));
}
