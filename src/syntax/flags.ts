/**
 * `--flags` at the start of an instruction's arguments (BuildKit's
 * `extractBuilderFlags`). Flags are recognised only while each word starts
 * with `--`; a bare `--` ends them and is dropped. Inside a flag, quotes are
 * removed and a backslash escapes the next character, whatever the file's
 * escape character is. The instruction layer decides later which flags an
 * instruction accepts.
 */
import { ByteView, isGoSpace } from "./words.js";

export interface FlagSpan {
  /** The flag as BuildKit reports it, quotes removed: `--from=build`. */
  readonly text: string;
  /** Half-open span in the argument text, quotes included. */
  readonly start: number;
  readonly end: number;
}

export interface ExtractedFlags {
  readonly flags: readonly FlagSpan[];
  /** Where the remaining arguments start in the argument text. */
  readonly restStart: number;
}

const noFlags = (restStart: number): ExtractedFlags => ({ flags: [], restStart });

/** Splits leading flags off `text.slice(from, to)`. */
export function extractFlags(text: string, from: number, to: number): ExtractedFlags {
  let first = from;
  while (first < to && isGoSpace(text.charCodeAt(first))) first++;
  // Fast path: most instructions have no flags.
  if (text.charCodeAt(first) !== 0x2d || text.charCodeAt(first + 1) !== 0x2d) return noFlags(first);
  // BuildKit walks this text byte by byte; see ByteView.
  const view = new ByteView(text.slice(from, to));
  const { flags, restStart } = extractFromBytes(view.bytes);
  return {
    flags: flags.map((flag) => ({ text: flag.text, start: from + view.charOffset(flag.start), end: from + view.charOffset(flag.end) })),
    restStart: from + view.charOffset(restStart),
  };
}

const isByteSpace = (code: number): boolean => code <= 0xff && isGoSpace(code);

function extractFromBytes(line: string): ExtractedFlags {
  const flags: FlagSpan[] = [];
  const length = line.length;
  let inWord = false;
  let quote = 0;
  let word = "";
  let wordStart = 0;
  let blankOk = false;
  for (let pos = 0; pos <= length; pos++) {
    const ch = pos < length ? line.charCodeAt(pos) : -1;
    if (!inWord && quote === 0) {
      if (pos === length) break;
      if (isByteSpace(ch)) continue;
      // Keep going only while the next word starts with "--".
      if (ch !== 0x2d || pos + 1 === length || line.charCodeAt(pos + 1) !== 0x2d) return { flags, restStart: pos };
      inWord = true;
      wordStart = pos;
    }
    if (pos === length) {
      if (word !== "--" && (blankOk || word.length > 0)) flags.push({ text: word, start: wordStart, end: pos });
      break;
    }
    if (quote === 0) {
      if (isByteSpace(ch)) {
        if (word === "--") return { flags, restStart: pos };
        if (blankOk || word.length > 0) flags.push({ text: word, start: wordStart, end: pos });
        inWord = false;
        word = "";
        blankOk = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOk = true;
        continue;
      }
      if (ch === 0x5c) {
        if (pos + 1 === length) continue; // a backslash at the very end is dropped
        pos++;
      }
      word += line[pos];
      continue;
    }
    if (ch === quote) {
      quote = 0;
      continue;
    }
    if (ch === 0x5c) {
      if (pos + 1 === length) {
        quote = 0;
        continue;
      }
      pos++;
    }
    word += line[pos];
  }
  return { flags, restStart: length };
}
