/**
 * Shell patterns for `${V#p} ${V##p} ${V%p} ${V%%p} ${V/p/r} ${V//p/r}`.
 *
 * BuildKit converts the pattern (only `*`, `?` and backslash escapes, no
 * bracket expressions) into a Go regular expression and relies on RE2's
 * leftmost-first matching: the earliest start wins, then each `*` takes as
 * much (greedy) or as little (lazy) as still lets the rest match. Both
 * wildcards stop at `\n`, like Go's `.`.
 *
 * A JavaScript RegExp would give the same answers but backtracks
 * exponentially on patterns such as `*a*a*a*b` (seconds to minutes on a few
 * hundred characters), so patterns are compiled to tokens and matched with a
 * table over (token, position) instead: O(tokens x length) per value, with
 * the same choices a backtracking engine would make.
 */
import { ExpansionFailure } from "./errors.js";
import { codePointWidth, EOF, goRuneString, isNameChar } from "./chars.js";

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
/** Token for `?`: any one code point except `\n`. Literal tokens are code points (>= 0). */
const ANY_CHAR = -2;
/** Token for `*`: any run of code points without `\n`. */
const STAR = -3;
/** Table entry for "the rest of the pattern cannot match from here". */
const NO_MATCH = -1;

function codePointAtOrEOF(text: string, index: number): number {
  return index < text.length ? (text.codePointAt(index) as number) : EOF;
}

/** Compiles a pattern to tokens; throws the inner part of BuildKit's "invalid pattern" message. */
function tokenize(pattern: string): Int32Array {
  const tokens: number[] = [];
  // BuildKit reads the pattern with Go's text/scanner, which drops a leading BOM.
  let i = pattern.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < pattern.length) {
    const cp = pattern.codePointAt(i) as number;
    i += codePointWidth(cp);
    if (cp === 0x2a /* * */) {
      tokens.push(STAR);
    } else if (cp === 0x3f /* ? */) {
      tokens.push(ANY_CHAR);
    } else if (cp === BACKSLASH) {
      const escaped = codePointAtOrEOF(pattern, i);
      // `\}` and `\/` only protect the delimiter inside `${...}`; the
      // backslash is dropped and the next character read normally.
      if (escaped === 0x7d || escaped === 0x2f) continue;
      if (escaped !== 0x2a && escaped !== 0x3f && escaped !== BACKSLASH) {
        throw new ExpansionFailure(`invalid escape '\\${goRuneString(escaped)}'`);
      }
      i += codePointWidth(escaped);
      tokens.push(escaped);
    } else {
      tokens.push(cp);
    }
  }
  return Int32Array.from(tokens);
}

const TOKEN_CACHE_LIMIT = 256;
const tokenCache = new Map<string, Int32Array>();

function compilePattern(pattern: string): Int32Array {
  let tokens = tokenCache.get(pattern);
  if (tokens === undefined) {
    try {
      tokens = tokenize(pattern);
    } catch (failure) {
      if (failure instanceof ExpansionFailure) {
        throw new ExpansionFailure(`invalid pattern (${pattern}) in substitution: ${failure.reason}`);
      }
      throw failure;
    }
    if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
    tokenCache.set(pattern, tokens);
  }
  return tokens;
}

/** A value split into code points, with the UTF-16 offset of each one. */
class CodePoints {
  readonly points: Int32Array;
  readonly offsets: Int32Array;

  constructor(readonly text: string) {
    const points: number[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) as number;
      points.push(cp);
      offsets.push(i);
      i += codePointWidth(cp);
    }
    offsets.push(text.length);
    this.points = Int32Array.from(points);
    this.offsets = Int32Array.from(offsets);
  }

  get length(): number {
    return this.points.length;
  }

  /** Text between two code point indexes. */
  slice(from: number, to: number = this.points.length): string {
    return this.text.slice(this.offsets[from] as number, this.offsets[to] as number);
  }
}

/**
 * Leftmost-first matcher for one pattern against one value.
 *
 * `next[t * (n + 1) + p]` is where matching continues after token `t` when it
 * starts at code point `p` on the preferred path, or NO_MATCH when tokens
 * t.. cannot match from `p`. A star's entry is the end it would settle on:
 * the farthest end from which the rest still matches (greedy) or the nearest
 * (lazy), which is exactly what a backtracking engine ends up choosing.
 * Whether the rest matches does not depend on how we got there, so one table
 * serves every start position.
 */
class PatternMatcher {
  private readonly next: Int32Array;
  private readonly width: number;

  constructor(
    private readonly tokens: Int32Array,
    private readonly value: Int32Array,
    greedy: boolean,
  ) {
    const n = value.length;
    const width = n + 1;
    const count = tokens.length;
    const next = new Int32Array((count + 1) * width);
    // After the last token the match simply ends where it is.
    const finalRow = count * width;
    for (let p = 0; p <= n; p++) next[finalRow + p] = p;

    for (let t = count - 1; t >= 0; t--) {
      const row = t * width;
      const restRow = row + width;
      const token = tokens[t] as number;
      if (token === STAR) {
        // Choices for a star starting at p are the ends p..(first \n at or
        // after p); scan right to left carrying the preferred choice.
        next[row + n] = next[restRow + n] === NO_MATCH ? NO_MATCH : n;
        for (let p = n - 1; p >= 0; p--) {
          const restMatchesHere = next[restRow + p] !== NO_MATCH;
          if (value[p] === NEWLINE) {
            next[row + p] = restMatchesHere ? p : NO_MATCH;
          } else if (greedy) {
            const farther = next[row + p + 1] as number;
            next[row + p] = farther !== NO_MATCH ? farther : restMatchesHere ? p : NO_MATCH;
          } else {
            next[row + p] = restMatchesHere ? p : (next[row + p + 1] as number);
          }
        }
      } else {
        next[row + n] = NO_MATCH;
        for (let p = n - 1; p >= 0; p--) {
          const cp = value[p] as number;
          const accepts = token === ANY_CHAR ? cp !== NEWLINE : cp === token;
          next[row + p] = accepts && next[restRow + p + 1] !== NO_MATCH ? p + 1 : NO_MATCH;
        }
      }
    }
    this.next = next;
    this.width = width;
  }

  /** End of the preferred match starting exactly at `start`, or NO_MATCH. */
  matchAt(start: number): number {
    let p = start;
    for (let t = 0; t < this.tokens.length; t++) {
      p = this.next[t * this.width + p] as number;
      if (p === NO_MATCH) return NO_MATCH;
    }
    return p;
  }

  /** Leftmost match at or after `from`, as [start, end], or undefined. */
  search(from: number): [number, number] | undefined {
    for (let start = from; start <= this.value.length; start++) {
      const end = this.matchAt(start);
      if (end !== NO_MATCH) return [start, end];
    }
    return undefined;
  }
}

/** Code point index where a prefix match of `pattern` at the start of `value` ends, or NO_MATCH. */
function prefixMatchEnd(pattern: string, value: Int32Array, greedy: boolean): number {
  const tokens = compilePattern(pattern);
  return new PatternMatcher(tokens, value, greedy).matchAt(0);
}

/** `${V#p}` / `${V##p}`: remove the shortest / longest matching prefix. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const points = new CodePoints(value);
  const end = prefixMatchEnd(pattern, points.points, greedy);
  return end === NO_MATCH ? value : points.slice(end);
}

/**
 * Reverses a pattern by code point but keeps each backslash in front of the
 * character it escapes (`a\*c` becomes `c\*a`). A trailing lone backslash is
 * simply moved to the front, as BuildKit does.
 */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out = new Array<string>(chars.length);
  const last = chars.length - 1;
  let i = 0;
  while (i <= last) {
    const ch = chars[i] as string;
    const target = last - i;
    if (ch === "\\" && i !== last) {
      out[target - 1] = ch;
      out[target] = chars[i + 1] as string;
      i += 2;
    } else {
      out[target] = ch;
      i += 1;
    }
  }
  return out.join("");
}

/**
 * `${V%p}` / `${V%%p}`. A leftmost search cannot find the shortest match that
 * ends at the end of the text, so BuildKit reverses pattern and value and
 * trims a prefix instead. Errors therefore quote the reversed pattern, as
 * upstream does.
 */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const points = new CodePoints(value);
  const reversed = points.points.slice().reverse();
  const end = prefixMatchEnd(reversePattern(pattern), reversed, greedy);
  return end === NO_MATCH ? value : points.slice(0, points.length - end);
}

/** `${V/p/r}`: replace the leftmost match; the replacement is inserted verbatim. */
export function replaceFirst(pattern: string, value: string, replacement: string): string {
  const tokens = compilePattern(pattern);
  const points = new CodePoints(value);
  const match = new PatternMatcher(tokens, points.points, true).search(0);
  if (match === undefined) return value;
  return points.slice(0, match[0]) + replacement + points.slice(match[1]);
}

/**
 * `${V//p/r}` with the semantics of Go's Regexp.ReplaceAllString:
 * - an empty match directly after the previous match is not replaced
 *   (replacing every match of a lone star in `ab` with `-` gives `-`,
 *   not `--`);
 * - `$` in the replacement is a Go template: `$0`/`${0}` insert the match,
 *   `$$` a dollar, other names expand to nothing.
 */
export function replaceAll(pattern: string, value: string, replacement: string): string {
  const tokens = compilePattern(pattern);
  const points = new CodePoints(value);
  const matcher = new PatternMatcher(tokens, points.points, true);
  const end = points.length;
  const hasTemplate = replacement.includes("$");
  let out = "";
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= end) {
    const match = matcher.search(searchPos);
    if (match === undefined) break;
    const [matchStart, matchEnd] = match;
    out += points.slice(lastMatchEnd, matchStart);
    if (matchEnd > lastMatchEnd || matchStart === 0) {
      out += hasTemplate ? expandGoTemplate(replacement, points.slice(matchStart, matchEnd)) : replacement;
    }
    lastMatchEnd = matchEnd;
    // Always advance by at least one code point.
    searchPos = Math.max(searchPos + 1, matchEnd);
  }
  return out + points.slice(lastMatchEnd);
}

/**
 * Go's Regexp.Expand for an expression without capture groups: only group 0
 * (the whole match) exists and there are no named groups.
 */
function expandGoTemplate(template: string, wholeMatch: string): string {
  let out = "";
  let i = 0;
  for (;;) {
    const dollar = template.indexOf("$", i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template.charCodeAt(i) === 0x24) {
      out += "$";
      i += 1;
      continue;
    }
    const reference = parseTemplateReference(template, i);
    if (reference === undefined) {
      // Malformed reference: the dollar stays literal.
      out += "$";
      continue;
    }
    i = reference.end;
    if (reference.group === 0) out += wholeMatch;
  }
  return out + template.slice(i);
}

interface TemplateReference {
  /** Group number, or -1 for a name (which never matches here). */
  group: number;
  end: number;
}

function parseTemplateReference(template: string, start: number): TemplateReference | undefined {
  let i = start;
  const braced = template.charCodeAt(i) === 0x7b;
  if (braced) i += 1;
  const nameStart = i;
  while (i < template.length) {
    const cp = template.codePointAt(i) as number;
    if (!isNameChar(cp)) break;
    i += codePointWidth(cp);
  }
  if (i === nameStart) return undefined;
  const name = template.slice(nameStart, i);
  if (braced) {
    if (template.charCodeAt(i) !== 0x7d) return undefined;
    i += 1;
  }
  let group = 0;
  for (let k = 0; k < name.length; k++) {
    const code = name.charCodeAt(k);
    if (code < 0x30 || code > 0x39 || group >= 1e8) {
      group = -1;
      break;
    }
    group = group * 10 + (code - 0x30);
  }
  // Go refuses leading zeros: `$00` is a (missing) name, not group 0.
  if (name.length > 1 && name.charCodeAt(0) === 0x30) group = -1;
  return { group, end: i };
}
