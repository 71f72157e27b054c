/**
 * Messages for a command line yargs refused: an unknown command or option gets the closest
 * known name when one is close (a typo), else the list of what exists.
 */
import { closest, distance } from "fastest-levenshtein";

export const COMMANDS = [
  "run",
  "validate",
  "compare",
  "sweep",
  "plan",
  "merge",
  "calibrate",
  "report",
  "profiles",
  "schema",
] as const;

/** The closest name, when it is within a third of the typed word's length (at least one edit; two from 4 letters). */
export function nearest(typed: string, known: readonly string[]): string | null {
  if (known.length === 0) return null;
  const best = closest(typed, [...known]);
  const allowed = Math.max(typed.length >= 4 ? 2 : 1, Math.floor(typed.length / 3));
  return distance(typed, best) <= allowed ? best : null;
}

/**
 * The message for yargs' refusal `msg` of `argv`, given the options the command knows
 * (without dashes).
 */
export function commandLineMessage(msg: string, argv: readonly string[], options: readonly string[]): string {
  const first = argv.find((a) => !a.startsWith("-"));
  if (first !== undefined && argv[0] === first && !(COMMANDS as readonly string[]).includes(first)) {
    const near = nearest(first, COMMANDS);
    return near
      ? `unknown command "${first}": did you mean "${near}"?`
      : `unknown command "${first}"; the commands are ${COMMANDS.join(", ")} (fleetsim --help)`;
  }
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (unknown) {
    const names = unknown[1]!.split(", ");
    return names
      .map((name) => {
        const near = nearest(name, options);
        return `unknown option --${name}${near ? `: did you mean --${near}?` : ""}`;
      })
      .join("\n");
  }
  return msg;
}

/**
 * The option names the command being parsed knows, from the usage object yargs 18 passes to its
 * fail handler (`getDescriptions()`, keyed by option); test/cli/manners.test.ts notices if that changes.
 */
export function knownOptions(usage: unknown): string[] {
  try {
    const descriptions = (usage as { getDescriptions(): Record<string, unknown> }).getDescriptions();
    return Object.keys(descriptions).filter((k) => k.length > 1);
  } catch {
    return [];
  }
}
