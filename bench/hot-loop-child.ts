/**
 * One process's hot-loop figure (bench/hot-loop.ts) for `npm run bench`, which runs several of
 * these and reads their median (bench/processes.ts). Prints the figure as JSON.
 *
 *   node .bench-build/bench/hot-loop-child.js ARRIVALS ROUNDS
 */
import { engineMmc } from "./engine-mmc.js";
import { hotLoop } from "./hot-loop.js";

const [arrivals, rounds] = process.argv.slice(2).map(Number);
const hot = await hotLoop(engineMmc, arrivals, rounds);
process.stdout.write(JSON.stringify(hot));
