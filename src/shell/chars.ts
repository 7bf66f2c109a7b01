/**
 * Code point classification with the exact character sets of Go's `unicode`
 * package, which BuildKit's lexer relies on. Every predicate takes a code
 * point (not a UTF-16 unit) because Go's scanner walks the input rune by rune.
 *
 * ASCII is answered by comparisons; only non-ASCII input reaches a regular
 * expression, so the common case stays cheap.
 */

/** Sentinel returned by the scanner at the end of the input (Go's scanner.EOF). */
export const EOF = -1;

const NON_ASCII_LETTER = /^\p{L}$/u;
const NON_ASCII_DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Go's unicode.IsLetter (general category L). */
function isGoLetter(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a);
  return NON_ASCII_LETTER.test(String.fromCodePoint(cp));
}

/** Go's unicode.IsDigit (general category Nd), so `$٣` is a positional parameter too. */
export function isGoDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return NON_ASCII_DECIMAL_DIGIT.test(String.fromCodePoint(cp));
}

/** Characters that may continue a variable name after its first character. */
export function isNameChar(cp: number): boolean {
  return cp === 0x5f /* _ */ || isGoLetter(cp) || isGoDigit(cp);
}

/**
 * POSIX special parameters (`$@ $* $# $? $- $$ $! $0`). BuildKit reads them as
 * one-character names and looks them up like any variable, so they expand to
 * empty unless the environment happens to define that key.
 */
export function isSpecialParameter(cp: number): boolean {
  switch (cp) {
    case 0x40: // @
    case 0x2a: // *
    case 0x23: // #
    case 0x3f: // ?
    case 0x2d: // -
    case 0x24: // $
    case 0x21: // !
    case 0x30: // 0
      return true;
    default:
      return false;
  }
}

const ASCII_STRINGS: readonly string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

/** String for one code point; ASCII comes from a table to avoid allocating. */
export function codePointString(cp: number): string {
  return cp < 0x80 ? (ASCII_STRINGS[cp] as string) : String.fromCodePoint(cp);
}

/**
 * How Go renders a rune with `string(r)` or `%c`: the end-of-input sentinel
 * (and any other invalid rune) becomes U+FFFD. BuildKit's messages show this,
 * e.g. `${PWD` fails with "unsupported modifier (\uFFFD) in substitution".
 */
export function goRuneString(cp: number): string {
  return cp < 0 ? "\uFFFD" : codePointString(cp);
}

/** Number of UTF-16 units the code point occupies. */
export function codePointWidth(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}
