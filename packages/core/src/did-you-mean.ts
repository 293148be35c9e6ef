import { quote } from "./quote.js";

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and a swap of two neighbouring letters
 * ("nmae" for "name") each count as one edit. Work is |a| x |b|: inputs here are short keys, names and ids.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, beforePrevious[j - 2]! + 1);
      current[j] = best;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Candidates close enough to `input` to be a likely typo, closest first, ties in alphabetical order (at most
 * `limit`). Close enough: at most max(2, a third of the input's length) edits apart, ignoring case, or one containing
 * the other when the input has three or more characters ("ticket" for "ticket_id").
 */
export function closestMatches(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const threshold = Math.max(2, Math.floor(input.length / 3));
  const lowerInput = input.toLowerCase();
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of candidates) {
    const distance = editDistance(lowerInput, candidate.toLowerCase());
    const related = candidate.includes(input) || input.includes(candidate);
    if (distance <= threshold || (related && input.length >= 3)) scored.push({ candidate, distance });
  }
  return scored
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** The one closest candidate by `closestMatches`' rule, if any is close enough. */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  return closestMatches(input, candidates, 1)[0];
}

/**
 * ` Did you mean "x"?` for the closest candidate (quoted, control characters escaped), or "" when none is close: an
 * error message appends it as it is.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const best = closestMatch(input, candidates);
  return best === undefined ? "" : ` Did you mean ${quote(best)}?`;
}
