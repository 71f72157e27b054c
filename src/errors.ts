/**
 * Errors a user can fix: a bad scenario, profile, trace or command line. They carry where the
 * problem is (file, line, dotted field path) and print as one line each, never as a stack trace.
 * The CLI maps them to exit code 2; any other exception is an internal error (exit 1).
 */
export interface InputProblem {
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** Dotted path of the field, e.g. tenants.0.workloads.0.arrival.rate_per_s. */
  path?: string;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

export class InputError extends Error {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem | InputProblem[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join("\n"));
    this.name = "InputError";
    this.problems = list;
  }
}

/** A run abandoned between slices because the user interrupted it (exit 130, nothing written). */
export class RunAborted extends Error {
  constructor() {
    super("run interrupted");
    this.name = "RunAborted";
  }
}

/** A value shown in an error message: short, and quoted when it is a string. */
export function showValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

/** The system's reason for each error code that a user or an administrator can act on. */
const SYSTEM_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder, not a file",
  EEXIST: "it already exists",
  ENOENT: "no such file or folder",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  EIO: "input/output error",
  EBUSY: "the resource is busy",
  EFBIG: "the file is too large",
  EXDEV: "it lies on another device",
  ENOMEM: "not enough memory",
};

/** The system's reason for an error code a user or an administrator can act on, else undefined. */
export function systemReason(code: string | undefined): string | undefined {
  return code !== undefined && Object.hasOwn(SYSTEM_REASONS, code) ? SYSTEM_REASONS[code] : undefined;
}
