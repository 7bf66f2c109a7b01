/**
 * Finding the heredocs an instruction line opens, as BuildKit does.
 *
 * BuildKit cuts the whole instruction line into words with its shell lexer in
 * a mode that expands nothing (no variables are set, unset ones are left as
 * written) and keeps quotes and escapes; every word of the form
 * `[fd]<<[-]NAME` opens a heredoc (blanks may follow the `<<`). NAME is then read again with quotes and
 * escapes removed; if that removed any quote, the body is not expanded.
 *
 * Nothing is expanded here, so this is not word expansion (that is
 * `src/shell`); it only has to agree with the lexer about where words end,
 * what a quote or `${…}` covers, and which inputs are errors. In particular:
 * white space inside a `${…}` splits words even within quotes, because
 * BuildKit splits the text of an unexpanded reference like any expansion
 * result; a line the lexer rejects opens no heredocs at all; `\x` inside
 * double quotes keeps its backslash twice in the raw mode.
 */
import { isGoSpace } from "./words.js";

export interface HeredocSpec {
  readonly name: string;
  readonly fd: number;
  readonly chomp: boolean;
  readonly expand: boolean;
}

class LexError extends Error {}

const EOF = -1;
const MAX_NESTING = 256;
const BACKSLASH = 0x5c;
const isDigit = /^\p{Nd}$/u;
const isLetter = /^\p{L}$/u;

/** Collects words the way BuildKit's lexer does (text from `$` is split, quoted text is not). */
class Words {
  readonly list: string[] = [];
  private word = "";
  private inWord = false;

  char(ch: string): void {
    if (isGoSpace(ch.charCodeAt(0))) {
      if (this.inWord && this.word.length > 0) {
        this.list.push(this.word);
        this.word = "";
        this.inWord = false;
      }
    } else {
      this.raw(ch);
    }
  }

  raw(text: string): void {
    this.word += text;
    this.inWord = true;
  }

  split(text: string): void {
    for (const ch of text) this.char(ch);
  }

  done(): string[] {
    if (this.word.length > 0) this.list.push(this.word);
    return this.list;
  }
}

/**
 * A lexer over one string with BuildKit's `SkipUnsetEnv` and an empty
 * environment. `rawQuotes` and `rawEscapes` keep quote and escape characters.
 */
class QuietLexer {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly src: string,
    private readonly rawQuotes: boolean,
    private rawEscapes: boolean,
  ) {}

  words(): string[] {
    return this.until(EOF, this.rawEscapes).words;
  }

  private peek(): number {
    return this.pos < this.src.length ? this.src.charCodeAt(this.pos) : EOF;
  }

  /** Next code point as a string, or "" at the end. */
  private next(): string {
    const code = this.src.codePointAt(this.pos);
    if (code === undefined) return "";
    const ch = String.fromCodePoint(code);
    this.pos += ch.length;
    return ch;
  }

  private until(stop: number, rawEscapes: boolean): { text: string; words: string[] } {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    // `${a:-${a:-…}}` recurses; Go's stacks grow, ours do not.
    if (++this.depth > MAX_NESTING) throw new LexError("substitutions nested too deeply");
    try {
      let text = "";
      const words = new Words();
      while (this.peek() !== EOF) {
        const code = this.peek();
        if (stop !== EOF && code === stop) {
          this.pos++;
          return { text, words: words.done() };
        }
        if (code === 0x24) {
          const value = this.dollar();
          text += value;
          words.split(value);
        } else if (code === 0x3c) {
          const marker = this.possibleHeredoc();
          text += marker;
          words.raw(marker);
        } else if (code === 0x27 || code === 0x22) {
          const value = code === 0x27 ? this.singleQuoted() : this.doubleQuoted();
          text += value;
          words.raw(value);
        } else {
          let ch = this.next();
          if (ch === "\\") {
            if (this.rawEscapes) {
              words.raw(ch);
              text += ch;
            }
            ch = this.next();
            if (ch === "") break;
            words.raw(ch);
          } else {
            words.char(ch);
          }
          text += ch;
        }
      }
      if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${String.fromCharCode(stop)}`);
      return { text, words: words.done() };
    } finally {
      this.rawEscapes = saved;
      this.depth--;
    }
  }

  /** `<<` keeps the blanks after it in its word, so `<< EOF` opens a heredoc like `<<EOF` (BuildKit 0.22+). */
  private possibleHeredoc(): string {
    const start = this.pos;
    this.pos++;
    if (this.peek() !== 0x3c) return "<";
    this.pos++;
    for (let code = this.peek(); code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a; code = this.peek()) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private singleQuoted(): string {
    let text = this.next();
    if (!this.rawQuotes) text = "";
    for (;;) {
      const ch = this.next();
      if (ch === "") throw new LexError("unexpected end of statement while looking for matching single-quote");
      if (ch === "'") return this.rawQuotes ? text + ch : text;
      text += ch;
    }
  }

  private doubleQuoted(): string {
    let text = this.next();
    if (!this.rawQuotes) text = "";
    for (;;) {
      const code = this.peek();
      if (code === EOF) throw new LexError("unexpected end of statement while looking for matching double-quote");
      if (code === 0x22) {
        const ch = this.next();
        return this.rawQuotes ? text + ch : text;
      }
      if (code === 0x24) {
        text += this.dollar();
        continue;
      }
      let ch = this.next();
      if (ch === "\\") {
        if (this.rawEscapes) text += ch;
        const after = this.peek();
        if (after === EOF) continue;
        if (after === 0x22 || after === 0x24 || after === BACKSLASH) ch = this.next();
      }
      text += ch;
    }
  }

  /** A `$` reference, reproduced as written because no variable is set. */
  private dollar(): string {
    this.next();
    if (this.peek() !== 0x7b) return "$" + this.name();
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === 0x7b || first === 0x7d || first === 0x3a) throw new LexError("syntax error: bad substitution");
    const name = this.name();
    let ch = this.next();
    let modifier = ch === "" ? "\ufffd" : ch;
    if (ch === "}") return "${" + name + "}";
    if (ch === ":") {
      ch = this.next();
      modifier += ch === "" ? "\ufffd" : ch;
    }
    if (modifier.startsWith(":") || ch === "+" || ch === "-" || ch === "?" || ch === "#" || ch === "%") {
      const word = this.closing(0x7d, ch === "#" || ch === "%", "syntax error: missing '}'");
      return "${" + name + modifier + word + "}";
    }
    if (ch === "/") {
      // "//" (replace all) is read but, as in BuildKit, not written back.
      if (this.peek() === 0x2f) this.next();
      const pattern = this.closing(0x2f, true, "syntax error: missing '/' in ${}");
      const replacement = this.closing(0x7d, true, "syntax error: missing '}'");
      return "${" + name + "/" + pattern + "/" + replacement + "}";
    }
    throw new LexError(`unsupported modifier (${modifier}) in substitution`);
  }

  private closing(stop: number, rawEscapes: boolean, atEnd: string): string {
    try {
      return this.until(stop, rawEscapes).text;
    } catch (error) {
      if (error instanceof LexError && this.peek() === EOF) throw new LexError(atEnd);
      throw error;
    }
  }

  /** A variable name: digits, one special parameter, or letters, digits and `_`. */
  private name(): string {
    let name = "";
    while (this.peek() !== EOF) {
      const code = this.src.codePointAt(this.pos) ?? EOF;
      const ch = String.fromCodePoint(code);
      if (name === "" && isDigit.test(ch)) {
        while (this.peek() !== EOF && isDigit.test(String.fromCodePoint(this.src.codePointAt(this.pos) ?? 0))) name += this.next();
        return name;
      }
      if (name === "" && "@*#?-$!0".includes(ch)) return this.next();
      if (!isLetter.test(ch) && !isDigit.test(ch) && ch !== "_") break;
      name += this.next();
    }
    return name;
  }
}

// Go's `\s` after the `-`: the blanks `possibleHeredoc` kept in the word.
const heredocWord = /^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

/** Thrown when a heredoc name is malformed; BuildKit fails the whole parse. */
export class HeredocNameError extends Error {}

function specFromWord(word: string): HeredocSpec | undefined {
  const match = heredocWord.exec(word);
  if (match === null) return undefined;
  const rest = match[3] ?? "";
  if (rest === "") return undefined;
  let plain: string[];
  let raw: string[];
  try {
    plain = new QuietLexer(rest, false, false).words();
    if (plain.length !== 1) return undefined;
    raw = new QuietLexer(rest, true, false).words();
    if (raw.length !== 1) throw new HeredocNameError(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  } catch (error) {
    if (error instanceof LexError) throw new HeredocNameError(`failed to process ${JSON.stringify(rest)}: ${error.message}`);
    throw error;
  }
  const name = plain[0] ?? "";
  const quotes = (text: string): number => text.split(/['"]/).length - 1;
  return {
    name,
    fd: Number(match[1] || "0"),
    chomp: match[2] === "-",
    expand: quotes(name) === quotes(raw[0] ?? ""),
  };
}

/** The heredocs opened on an instruction line, in order. */
export function heredocsOnLine(line: string): HeredocSpec[] {
  let words: string[];
  try {
    words = new QuietLexer(line, true, true).words();
  } catch (error) {
    if (error instanceof LexError) return []; // BuildKit ignores the lexer's errors here
    throw error;
  }
  const specs: HeredocSpec[] = [];
  for (const word of words) {
    const spec = specFromWord(word);
    if (spec !== undefined) specs.push(spec);
  }
  return specs;
}

/**
 * A `<<-` body: leading tabs removed from every line (BuildKit's
 * `ChompHeredocContent`, Go's `(?m)^\t+`, where a line starts only after
 * `\n`; JavaScript's `m` flag would also start one after `\r`).
 */
export function chompHeredoc(content: string): string {
  return content.replace(/(^|\n)\t+/g, "$1");
}
