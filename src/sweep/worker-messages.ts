/** What a sweep worker posts back for each task. */
import type { InputProblem } from "../errors.js";

export type WorkerReply =
  | { run: number; ok: true; row: string[] }
  | { run: number; ok: false; problems: InputProblem[] }
  | { run: number; ok: false; message: string; stack?: string };
