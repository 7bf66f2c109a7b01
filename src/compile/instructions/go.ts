/**
 * The Go standard-library parsing rules BuildKit's instruction layer relies
 * on (strconv, path, sort, docker/go-units), so that dfc accepts and rejects
 * exactly the same spellings.
 */
import { goQuote } from "../../syntax/go-quote.js";

const UINT32_MAX = 0xffff_ffff;
const DECIMAL_DIGITS = /^[0-9]+$/;
const OCTAL_DIGITS = /^[0-7]+$/;

/** `strconv.ParseUint(text, base, 32)` for base 8 or 10: digits only, no sign, prefix or underscore. */
export function parseUint32(text: string, base: 8 | 10): number | undefined {
  if (!(base === 8 ? OCTAL_DIGITS : DECIMAL_DIGITS).test(text)) return undefined;
  const value = Number.parseInt(text, base);
  return value <= UINT32_MAX ? value : undefined;
}

const SIGNED_DECIMAL = /^[+-]?[0-9]+$/;

/**
 * `strconv.ParseInt(text, 10, 32)`: the value, or Go's error text
 * (`strconv.ParseInt: parsing "x": invalid syntax` / `value out of range`).
 */
export function parseInt32(text: string): number | { readonly error: string } {
  const failure = (reason: string) => ({ error: `strconv.ParseInt: parsing ${goQuote(text)}: ${reason}` });
  if (!SIGNED_DECIMAL.test(text)) return failure("invalid syntax");
  const value = Number.parseInt(text, 10);
  if (value < -0x8000_0000 || value > 0x7fff_ffff) return failure("value out of range");
  return value;
}

const TRUE_SPELLINGS = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_SPELLINGS = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** `strconv.ParseBool`. */
export function parseBool(text: string): boolean | undefined {
  if (TRUE_SPELLINGS.has(text)) return true;
  if (FALSE_SPELLINGS.has(text)) return false;
  return undefined;
}

/** Go's `path.Base`: the last element of a slash-separated path. */
export function pathBase(path: string): string {
  if (path === "") return ".";
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  if (end === 0) return "/";
  return path.slice(path.lastIndexOf("/", end - 1) + 1, end);
}

/** Orders strings by UTF-8 bytes, as Go's `sort.Strings` does (code point order is the same order). */
export function compareGoStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; ) {
    const left = a.codePointAt(index) ?? 0;
    const right = b.codePointAt(index) ?? 0;
    if (left !== right) return left - right;
    index += left > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^[+-]?0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/;
const SPECIAL_FLOAT = /^(?:\+?inf(?:inity)?|nan)$/i;

/** `strconv.ParseFloat(text, 64)` without digit separators: the value, or undefined for a syntax or range error. */
function parseFloat64(text: string): number | undefined {
  // Go spells these out; a value written as infinity is not a range error.
  if (SPECIAL_FLOAT.test(text)) return text.toLowerCase() === "nan" ? Number.NaN : Number.POSITIVE_INFINITY;
  let value: number;
  if (DECIMAL_FLOAT.test(text)) {
    value = Number(text);
  } else {
    const hex = HEX_FLOAT.exec(text);
    const whole = hex?.[1] ?? "";
    const fraction = hex?.[2] ?? "";
    if (hex === null || whole + fraction === "") return undefined;
    const magnitude = Number.parseInt(whole + fraction, 16) * 2 ** (Number(hex[3]) - 4 * fraction.length);
    value = text.startsWith("-") ? -magnitude : magnitude;
  }
  // Go reports a number beyond float64's range as an error rather than rounding it to infinity.
  return Number.isFinite(value) ? value : undefined;
}

const SIZE_UNITS = "kmgtp";

/**
 * Whether docker/go-units `RAMInBytes` accepts `text` (tmpfs `size=`): a
 * non-negative number in Go float syntax that ends at the last digit, dot or
 * space (a space there is dropped), then optionally `b`, or one of k/m/g/t/p
 * followed by nothing, `b` or `ib`, in any case.
 */
export function isRamSize(text: string): boolean {
  let split = text.length - 1;
  while (split >= 0 && !"0123456789. ".includes(text.charAt(split))) split--;
  if (split === -1) return false;
  const size = parseFloat64(text.charAt(split) === " " ? text.slice(0, split) : text.slice(0, split + 1));
  if (size === undefined || size < 0) return false;
  const suffix = text.slice(split + 1).toLowerCase();
  if (suffix === "" || suffix === "b") return true;
  if (suffix.length > 3 || !SIZE_UNITS.includes(suffix.charAt(0))) return false;
  return suffix.length === 1 || suffix.slice(1) === "b" || suffix.slice(1) === "ib";
}
