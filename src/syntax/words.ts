/**
 * How BuildKit's line parsers cut instruction text into words. Each function
 * mirrors one Go routine, including its notion of white space; a word keeps
 * its quotes and escapes (they are removed later, by word expansion), and
 * records where it lies in the text so the AST can point at it.
 */

/** A word and the half-open span of text it came from. */
export interface WordSpan {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export { isGoSpace } from "../../grammar/chars.js";
import { isGoSpace } from "../../grammar/chars.js";

/** Start and end of `text` without surrounding Go white space (`strings.TrimSpace`). */
export function trimmedBounds(text: string, from = 0, to = text.length): [number, number] {
  let start = from;
  let end = to;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return [start, end];
}

/** BuildKit's `reWhitespace`: the separators of whitespace-delimited arguments. */
export function isArgumentSeparator(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x0d;
}

/**
 * Splits on runs of `[\t\v\f\r ]` (BuildKit's `parseStringsWhitespaceDelimited`,
 * used by FROM, EXPOSE and the non-JSON forms of ADD, COPY and VOLUME).
 * The text is already trimmed, so no empty words arise except from empty text.
 */
export function splitOnWhitespace(text: string, from: number, to: number): WordSpan[] {
  const words: WordSpan[] = [];
  if (from >= to) return words;
  let start = from;
  for (let index = from; index <= to; index++) {
    if (index === to || isArgumentSeparator(text.charCodeAt(index))) {
      words.push({ value: text.slice(start, index), start, end: index });
      while (index + 1 < to && isArgumentSeparator(text.charCodeAt(index + 1))) index++;
      start = index + 1;
    }
  }
  return words;
}

/**
 * BuildKit's `parseWords` (ARG, ENV, LABEL): splits on Go white space outside
 * quotes; quotes and escapes stay in the word. An escape character takes the
 * next character with it unexamined (so an escaped quote opens nothing); a
 * lone escape at the very end is dropped; a quoted empty string is a word.
 * Since everything else is kept, a word is a slice of the text.
 */
export function parseWords(text: string, from: number, to: number, escape: number): WordSpan[] {
  const words: WordSpan[] = [];
  let wordStart = -1;
  let quote = 0;
  let blankOk = false;
  // A lone escape character at the very end belongs to no word.
  let last = to;
  const flush = (end: number): void => {
    const stop = Math.min(end, last);
    if (blankOk || stop > wordStart) words.push({ value: text.slice(wordStart, stop), start: wordStart, end });
    wordStart = -1;
    blankOk = false;
  };
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index);
    if (wordStart === -1) {
      if (isGoSpace(code)) continue;
      wordStart = index;
    }
    if (quote === 0) {
      if (isGoSpace(code)) flush(index);
      else if (code === 0x27 || code === 0x22) {
        quote = code;
        blankOk = true;
      } else if (code === escape) {
        if (index + 1 === to) last = index;
        index++;
      }
      continue;
    }
    // Inside quotes; the escape character works in double quotes only.
    if (code === quote) quote = 0;
    else if (code === escape && quote !== 0x27) {
      if (index + 1 === to) {
        last = index;
        quote = 0;
      }
      index++;
    }
  }
  if (wordStart !== -1) flush(to);
  return words;
}

/**
 * Some of BuildKit's scanners index Go strings byte by byte and turn each byte
 * into a rune, so a non-ASCII character becomes several Latin-1 characters and
 * bytes 0x85 and 0xA0 inside a UTF-8 sequence count as white space. This view
 * reproduces that: `bytes` has one character per UTF-8 byte.
 */
export class ByteView {
  readonly bytes: string;
  private readonly ascii: boolean;

  constructor(readonly text: string) {
    // eslint-disable-next-line no-control-regex
    this.ascii = !/[^\x00-\x7f]/.test(text);
    this.bytes = this.ascii ? text : Buffer.from(text, "utf8").toString("latin1");
  }

  /** Offset in `text` of the character that starts at byte `byteOffset`. */
  charOffset(byteOffset: number): number {
    if (this.ascii) return byteOffset;
    return Buffer.from(this.bytes.slice(0, byteOffset), "latin1").toString("utf8").length;
  }

  /** Go's `string(bytes[from:to])` read back as text. */
  textOf(from: number, to: number): string {
    if (this.ascii) return this.text.slice(from, to);
    return Buffer.from(this.bytes.slice(from, to), "latin1").toString("utf8");
  }
}
