/**
 * The machine's own failures (permissions, a full disk, a file where a folder is needed) are not
 * bugs of fleetsim: they print one line with the path and the system's reason, and exit 2.
 */
import { relative } from "node:path";
import { systemReason } from "../errors.js";

/** One line for a system error with a known code, or null for anything else. */
export function systemFailure(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const err = e as NodeJS.ErrnoException;
  const reason = systemReason(err.code);
  if (reason === undefined) return null;
  const dest = (err as { dest?: unknown }).dest;
  const where =
    err.path === undefined
      ? ""
      : `${shown(err.path)}${typeof dest === "string" ? ` -> ${shown(dest)}` : ""}: `;
  const action = err.syscall ? `cannot ${err.syscall}: ` : "";
  return `${where}${action}${reason} (${err.code})`;
}

function shown(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel !== "" && !rel.startsWith("..") ? rel : p;
}
