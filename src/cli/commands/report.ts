/** `fleetsim report <DIR>`: writes DIR/report.html from a run's output files and prints its path. */
import { writeReport } from "../../report/write-report.js";

export async function reportCommand(dir: string): Promise<void> {
  const path = await writeReport(dir);
  process.stdout.write(`${path}\n`);
}
