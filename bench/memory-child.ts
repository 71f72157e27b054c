/** Child process of the memory benchmark: one run, then its peak RSS (so nothing else inflates it). */

import { simulate } from "../src/run/simulate.js";
import { loadScenario } from "../src/scenario/load.js";

const [file, horizon] = process.argv.slice(2);
const s = await loadScenario(file, { horizon });
const run = await simulate(s);
const requests = run.stats.reduce((a, st) => a + st.requests, 0);
process.stdout.write(
  JSON.stringify({ requests, peakRssMb: process.resourceUsage().maxRSS / 1024, seconds: run.wallSeconds }),
);
