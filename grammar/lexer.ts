/**
 * Line tokens of a Dockerfile.
 *
 * BuildKit reads a Dockerfile one physical line at a time and decides what a
 * line is (comment, blank, continued, final) before it looks inside it, so the
 * natural tokens of the language are whole lines: the parser in `parser.ts`
 * consumes one token per physical line and assembles them into instructions
 * (continuations, comments inside continuations, heredoc bodies). What an
 * instruction line *means* (keyword, flags, arguments) is the job of
 * `src/syntax`.
 *
 * The scanner is a plain loop over the text, in the manner of esbuild's and
 * TypeScript's scanners: a line is classified by its first and last
 * non-blank characters. chevrotain's lexer would try a matcher per token type
 * on every line and make a token object of nine fields and a string per line;
 * for a file of 200,000 lines, keeping those alive until the parse ends was a
 * large part of its garbage collection. Here a line is two small integers
 * and a reference to one of four shared tokens, in arrays ({@link
 * SourceLines}), and its text is cut only when asked for.
 *
 * The escape character changes which lines continue, so there is one
 * continued-line token type per escape character (`\` and `` ` ``).
 */
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";
import { isGoSpace } from "./chars.js";

/** The two escape characters BuildKit accepts in `# escape=`. */
export type EscapeChar = "\\" | "`";

/** Any line: a heredoc body takes lines whatever they look like. */
export const AnyLine = createToken({ name: "AnyLine", pattern: Lexer.NA });

/** A line that keeps a continuation going: comment and blank lines are skipped inside one. */
export const ContinuationLine = createToken({ name: "ContinuationLine", pattern: Lexer.NA });

/** A line whose first non-blank character is `#` (BuildKit's `isComment`). */
export const CommentLine = createToken({ name: "CommentLine", pattern: Lexer.NA, categories: [AnyLine, ContinuationLine] });

/** A line of nothing but white space. Inside a continuation it is an "empty continuation line". */
export const BlankLine = createToken({ name: "BlankLine", pattern: Lexer.NA, categories: [AnyLine, ContinuationLine] });

/** The last line of an instruction (or an instruction of one line): any line of no other type. */
export const FinalLine = createToken({ name: "FinalLine", pattern: Lexer.NA, categories: [AnyLine] });

/** A line that ends with the escape character (BuildKit's line continuation), per escape character. */
export const ContinuedLine: Readonly<Record<EscapeChar, TokenType>> = {
  "\\": createToken({ name: "ContinuedLine", pattern: Lexer.NA, categories: [AnyLine, ContinuationLine] }),
  "`": createToken({ name: "ContinuedLineBacktick", pattern: Lexer.NA, categories: [AnyLine, ContinuationLine] }),
};

/**
 * The physical lines of a source: where each starts and where its text ends,
 * and the token the parser consumes for it. The parser consumes lines
 * strictly in order, one token per line, so a token needs no position of its
 * own: there is one shared token per line type.
 */
export class SourceLines {
  constructor(
    readonly source: string,
    readonly tokens: readonly IToken[],
    /** Offset of each line's first character; index 0 is line 1. */
    readonly starts: readonly number[],
    /** End of each line's text, before its `\n` and any `\r` before that (BuildKit's `trimNewline`). */
    readonly textEnds: readonly number[],
  ) {}

  /** A line's text without its line ending. */
  text(index: number): string {
    return this.source.slice(this.starts[index], this.textEnds[index]);
  }

  /** A whole line, line ending included. */
  image(index: number): string {
    return this.source.slice(this.starts[index], index + 1 < this.starts.length ? this.starts[index + 1] : this.source.length);
  }
}

function tokenOf(type: TokenType): IToken {
  return { image: type.name, startOffset: -1, tokenType: type, tokenTypeIdx: type.tokenTypeIdx ?? 0 };
}

/** The shared tokens, per escape character. */
const TOKENS: Readonly<Record<EscapeChar, { comment: IToken; blank: IToken; continued: IToken; final: IToken }>> = {
  "\\": { comment: tokenOf(CommentLine), blank: tokenOf(BlankLine), continued: tokenOf(ContinuedLine["\\"]), final: tokenOf(FinalLine) },
  "`": { comment: tokenOf(CommentLine), blank: tokenOf(BlankLine), continued: tokenOf(ContinuedLine["`"]), final: tokenOf(FinalLine) },
};

/**
 * Splits `text` into lines and classifies each. A line continues when its
 * last non-blank character is the escape character and the one before it is
 * not: BuildKit's `([^E])E[ \t]*$|^E[ \t]*$` on the line without CR/LF, which
 * looks back no further than one character (so `foo\\` ends the instruction).
 */
export function scanLines(text: string, escape: EscapeChar): SourceLines {
  const escapeCode = escape.charCodeAt(0);
  const { comment, blank, continued, final } = TOKENS[escape];
  const tokens: IToken[] = [];
  const starts: number[] = [];
  const textEnds: number[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline + 1;
    let textEnd = newline === -1 ? text.length : newline;
    while (textEnd > start && text.charCodeAt(textEnd - 1) === 0x0d) textEnd--;
    let first = start;
    while (first < textEnd && isGoSpace(text.charCodeAt(first))) first++;
    let token: IToken;
    if (first === textEnd) token = blank;
    else if (text.charCodeAt(first) === 0x23) token = comment;
    else {
      let last = textEnd - 1;
      while (last >= first && (text.charCodeAt(last) === 0x20 || text.charCodeAt(last) === 0x09)) last--;
      const isContinued = last >= first && text.charCodeAt(last) === escapeCode && (last === first || text.charCodeAt(last - 1) !== escapeCode);
      token = isContinued ? continued : final;
    }
    tokens.push(token);
    starts.push(start);
    textEnds.push(textEnd);
    start = end;
  }
  return new SourceLines(text, tokens, starts, textEnds);
}
