/**
 * Go's `time.ParseDuration`, which BuildKit applies to the HEALTHCHECK
 * timing flags: a signed sequence of decimal numbers, each with an optional
 * fraction and a unit (ns, us, µs, μs, ms, s, m, h), such as `1h30m` or
 * `-1.5s`; a bare `0` needs no unit. Errors carry Go's messages.
 */

const UNIT_NANOSECONDS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n], // U+00B5 micro sign
  ["μs", 1_000n], // U+03BC Greek small letter mu
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

const LIMIT = 1n << 63n; // |duration| must fit an int64 (the negative side may reach it)

/** The duration in nanoseconds, or Go's error message. */
export function parseGoDuration(text: string): bigint | { readonly error: string } {
  const invalid = { error: `time: invalid duration ${timeQuote(text)}` };
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") return invalid;
  let total = 0n;
  while (rest !== "") {
    const whole = leadingDigits(rest);
    rest = rest.slice(whole.length);
    let fraction = "";
    if (rest.startsWith(".")) {
      fraction = leadingDigits(rest.slice(1));
      rest = rest.slice(1 + fraction.length);
    } else if (whole === "") {
      return invalid; // the next character must be a digit or a dot
    }
    if (whole === "" && fraction === "") return invalid; // `.s`: no digits at all
    let unitLength = 0;
    while (unitLength < rest.length && !isDigitOrDot(rest.charCodeAt(unitLength))) unitLength++;
    if (unitLength === 0) return { error: `time: missing unit in duration ${timeQuote(text)}` };
    const unitName = rest.slice(0, unitLength);
    rest = rest.slice(unitLength);
    const unit = UNIT_NANOSECONDS.get(unitName);
    if (unit === undefined) return { error: `time: unknown unit ${timeQuote(unitName)} in duration ${timeQuote(text)}` };
    const value = whole === "" ? 0n : BigInt(whole);
    if (value > LIMIT / unit) return invalid;
    let nanoseconds = value * unit;
    const [numerator, scale] = fractionParts(fraction);
    if (numerator > 0n) {
      // Go computes the fractional part in float64 and truncates it.
      nanoseconds += BigInt(Math.trunc(Number(numerator) * (Number(unit) / scale)));
      if (nanoseconds > LIMIT) return invalid;
    }
    total += nanoseconds;
    if (total > LIMIT) return invalid;
  }
  if (negative) return -total;
  return total > LIMIT - 1n ? invalid : total;
}

function isDigitOrDot(code: number): boolean {
  return code === 0x2e || (code >= 0x30 && code <= 0x39);
}

function leadingDigits(text: string): string {
  let end = 0;
  while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
  return text.slice(0, end);
}

/** Go's `leadingFraction`: digits past int64 precision are ignored rather than overflowing. */
function fractionParts(digits: string): [bigint, number] {
  let numerator = 0n;
  let scale = 1;
  for (const digit of digits) {
    if (numerator > (LIMIT - 1n) / 10n) break;
    const next = numerator * 10n + BigInt(digit);
    if (next > LIMIT) break;
    numerator = next;
    scale *= 10;
  }
  return [numerator, scale];
}

/** The `time` package's own quoting: non-ASCII and control bytes become `\xNN`. */
function timeQuote(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, "utf8")) {
    if (byte >= 0x80 || byte < 0x20) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += (byte === 0x22 || byte === 0x5c ? "\\" : "") + String.fromCharCode(byte);
  }
  return out + '"';
}
