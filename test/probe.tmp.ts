import { planFleet } from "../src/plan/search.js";
import { loadScenario } from "../src/scenario/load.js";
const s = await loadScenario("test/fixtures/plan/mmc-share-grid.yaml", { set: process.argv.slice(2) });
const t0 = Date.now();
const o = await planFleet(s);
console.log(o.nodes, o.routes, o.result.targets[0].ttftP99S?.mean, Date.now() - t0, "ms");
for (const c of o.candidates) console.log(c.stage, c.nodes.join(","), c.routes.join(","), c.costUsd.toFixed(2), c.feasible, c.failed);
