/**
 * What lowering needs to know about raw Dockerfile words that contain
 * variables, without knowing the build args: which names they may read and
 * which stage names they may expand to. Both answers over-approximate, so a
 * "no" can be trusted and a "maybe" leads to a refusal, never to a wrong file.
 */
import type { EscapeChar } from "../../syntax/ast.js";

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Whether `raw` may read one of `names`. Any `$name` or `${name…` counts,
 * even escaped or single-quoted, and even in a branch of `${a:+…}` that the
 * expansion skips: reading too much only makes lowering refuse.
 */
export function mayRead(raw: string, names: ReadonlySet<string>): boolean {
  for (const match of raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (names.has(match[1] as string)) return true;
  }
  return false;
}

/**
 * A case-insensitive pattern for every value `raw` can expand to, whatever
 * the variables hold: each `$…` construct may become any text, quotes and
 * escape characters vanish, everything else stays. Stage names never
 * contain quotes or escapes, so dropping them loses no match.
 */
export function expansionPattern(raw: string, escape: EscapeChar): RegExp {
  let source = "";
  let index = 0;
  const anything = (): void => {
    if (!source.endsWith(".*")) source += ".*";
  };
  while (index < raw.length) {
    const char = raw.charAt(index);
    if (char === "$") {
      anything();
      index = skipExpansion(raw, index + 1);
    } else if (char === "'" || char === '"' || char === escape) {
      index++;
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
      index++;
    }
  }
  return new RegExp(`^${source}$`, "i");
}

/** The index after the variable construct that starts just after a `$`. */
function skipExpansion(raw: string, start: number): number {
  const next = raw.charAt(start);
  if (next === "{") {
    let depth = 1;
    let index = start + 1;
    while (index < raw.length && depth > 0) {
      const char = raw.charAt(index);
      if (char === "{") depth++;
      else if (char === "}") depth--;
      index++;
    }
    return index;
  }
  if (NAME_START.test(next)) {
    let index = start + 1;
    while (index < raw.length && NAME_CHAR.test(raw.charAt(index))) index++;
    return index;
  }
  // `$1`, `$@`, … are one character; a `$` at the end is itself.
  return next === "" ? start : start + 1;
}

/** Whether a field of a `--mount` value is its `from=` option (keys are case-insensitive). */
export function isMountSource(field: string): boolean {
  return field.slice(0, field.indexOf("=") + 1).toLowerCase() === "from=";
}
