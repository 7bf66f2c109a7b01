import { ARCH_NAMES } from "./arch-aliases.js";

/**
 * The IFARCH name closest to an unknown one, for "did you mean …?".
 *
 * Distance is optimal string alignment (Levenshtein plus swapping two
 * neighbours), because the typical slip is a swap: `aarch46`, `x86_46`.
 * A suggestion must be within a third of the input's length (at least 1,
 * at most 3 edits), so short inputs are not matched to anything at all.
 * Ties go to the earlier name in ARCH_ALIASES. A known name (in any case)
 * returns its table spelling.
 */
export function nearestArchName(name: string): string | undefined {
  const input = name.toLowerCase();
  const budget = Math.min(3, Math.max(1, Math.floor((input.length + 1) / 3)));
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const candidate of ARCH_NAMES) {
    if (Math.abs(candidate.length - input.length) >= bestDistance) continue;
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      if (distance === 0) break;
    }
  }
  return best;
}

/** Optimal string alignment distance, over UTF-16 code units (names are ASCII). */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  // Three rows: two back (for transpositions), previous, current.
  let previousPrevious = new Uint16Array(width);
  let previous = Uint16Array.from({ length: width }, (_, j) => j);
  let current = new Uint16Array(width);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let best = Math.min(
        (previous[j] ?? 0) + 1, // deletion
        (current[j - 1] ?? 0) + 1, // insertion
        (previous[j - 1] ?? 0) + cost, // substitution
      );
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        best = Math.min(best, (previousPrevious[j - 2] ?? 0) + 1); // transposition
      }
      current[j] = best;
    }
    [previousPrevious, previous, current] = [previous, current, previousPrevious];
  }
  return previous[b.length] ?? 0;
}
