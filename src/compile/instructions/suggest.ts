/**
 * BuildKit's "did you mean" hints (util/suggest): a value that is not one of
 * the accepted options gets ` (did you mean X?)` appended when some option is
 * fewer than three edits away. BuildKit walks a Go map, so among equally
 * close options its pick is random; dfc takes the first in `options` order.
 */

/** Levenshtein distance over code points, as agext/levenshtein computes it with unit costs. */
function editDistance(a: string, b: string): number {
  const source = Array.from(a);
  const target = Array.from(b);
  let previous = Array.from({ length: target.length + 1 }, (_, index) => index);
  for (let i = 1; i <= source.length; i++) {
    const current = [i];
    for (let j = 1; j <= target.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (source[i - 1] === target[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[target.length] ?? 0;
}

/** Go's `strings.ToLower`/`ToUpper` on the option when the user wrote all one case (suggest.matchCase). */
function matchCase(option: string, written: string): string {
  if (written === written.toLowerCase()) return option.toLowerCase();
  if (written === written.toUpperCase()) return option.toUpperCase();
  return option;
}

/**
 * BuildKit's suggest.Search: the option closest to `value`, fewer than three
 * edits away; undefined when there is none, or when `value` is an option.
 */
export function suggest(value: string, options: Iterable<string>, caseSensitive: boolean): string | undefined {
  const probe = caseSensitive ? value : value.toLowerCase();
  let best = 3; // BuildKit (like HCL) only suggests options fewer than three edits away
  let match: string | undefined;
  for (const option of options) {
    const candidate = caseSensitive ? option : option.toLowerCase();
    // An exact match means the value is not misspelled.
    if (candidate === probe) return undefined;
    const distance = editDistance(probe, candidate);
    if (distance < best) {
      best = distance;
      match = caseSensitive ? candidate : matchCase(candidate, value);
    }
  }
  return match;
}

/** `message`, plus BuildKit's suggestion for `value` among `options` when there is one. */
export function withSuggestion(message: string, value: string, options: readonly string[], caseSensitive: boolean): string {
  const match = suggest(value, options, caseSensitive);
  return match === undefined ? message : `${message} (did you mean ${match}?)`;
}
