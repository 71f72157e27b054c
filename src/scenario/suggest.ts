/** "Did you mean" for a mistyped key or id. */
import { distance } from "fastest-levenshtein";

/**
 * The closest candidate, when close enough to be a plausible typo: within a third of the word's
 * length in edits (at least 1, at most 3), or differing only in case or `-` versus `_`.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, "");
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c === word) continue;
    if (norm(c) === norm(word)) return c;
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  if (bestDistance <= limit) return best;
  return undefined;
}

/** ", did you mean "x"?" or "" */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? "" : `, did you mean ${JSON.stringify(c)}?`;
}
