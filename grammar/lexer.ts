/**
 * Line tokens of a Dockerfile.
 *
 * BuildKit reads a Dockerfile one physical line at a time and decides what a
 * line is (comment, blank, continued, final) before it looks inside it, so the
 * natural tokens of the language are whole lines. Each token here is one
 * physical line including its `\n`; the parser in `parser.ts` assembles them
 * into instructions (continuations, comments inside continuations, heredoc
 * bodies). What an instruction line *means* (keyword, flags, arguments) is the
 * job of `src/syntax`.
 *
 * The escape character changes which lines continue, so there is one lexer per
 * escape character (`\` and `` ` ``), built on first use.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";
import { isGoSpace } from "./chars.js";

/** The two escape characters BuildKit accepts in `# escape=`. */
export type EscapeChar = "\\" | "`";

/**
 * The shape of the line at one offset, worked out once: the tokenizer asks
 * each line type in turn, and all of them need the same few facts.
 */
class LineShape {
  private text = "";
  private offset = -1;
  /** Just past the line's `\n` (or the end of the text). */
  end = 0;
  /** End of the line's text, before its `\n` and any `\r` before that (BuildKit's `trimNewline`). */
  textEnd = 0;
  /** First character that is not Go white space, or `textEnd`. */
  firstNonBlank = 0;

  at(text: string, offset: number): this {
    if (text === this.text && offset === this.offset) return this;
    this.text = text;
    this.offset = offset;
    const newline = text.indexOf("\n", offset);
    this.end = newline === -1 ? text.length : newline + 1;
    let stop = newline === -1 ? text.length : newline;
    while (stop > offset && text.charCodeAt(stop - 1) === 0x0d) stop--;
    this.textEnd = stop;
    let first = offset;
    while (first < stop && isGoSpace(text.charCodeAt(first))) first++;
    this.firstNonBlank = first;
    return this;
  }
}

const shape = new LineShape();

/**
 * Lines are classified by looking at their first and last characters, not by
 * one regular expression per token type.
 */
type LineMatcher = (text: string, offset: number) => [string] | null;

function lineMatcher(accepts: (text: string, line: LineShape) => boolean): { exec: LineMatcher } {
  return {
    exec: (text, offset) => {
      const line = shape.at(text, offset);
      return line.end > offset && accepts(text, line) ? [text.slice(offset, line.end)] : null;
    },
  };
}

/** A line whose first non-blank character is `#` (BuildKit's `isComment`). */
export const CommentLine = createToken({
  name: "CommentLine",
  pattern: lineMatcher((text, line) => text.charCodeAt(line.firstNonBlank) === 0x23 && line.firstNonBlank < line.textEnd),
  line_breaks: true,
});

/** A line of nothing but white space. Inside a continuation it is an "empty continuation line". */
export const BlankLine = createToken({
  name: "BlankLine",
  pattern: lineMatcher((_, line) => line.firstNonBlank === line.textEnd),
  line_breaks: true,
});

/** The last line of an instruction (or an instruction of one line): any line the other types did not take. */
export const FinalLine = createToken({
  name: "FinalLine",
  pattern: lineMatcher(() => true),
  line_breaks: true,
});

/** The tokens that differ per escape character, and the lexer that uses them. */
export interface EscapeTokens {
  readonly escape: EscapeChar;
  /** A line that ends with the escape character (BuildKit's line continuation). */
  readonly ContinuedLine: TokenType;
  readonly lexer: Lexer;
}

/**
 * BuildKit: `([^E])E[ \t]*$|^E[ \t]*$` on the line without its trailing
 * CR/LF. An escape preceded by another escape is a literal, not a
 * continuation (so `foo\\` ends the instruction); BuildKit looks no further
 * back than one character, so neither does dfc.
 */
function continuedLine(escape: EscapeChar): { exec: LineMatcher } {
  const code = escape.charCodeAt(0);
  return lineMatcher((text, line) => {
    let last = line.textEnd - 1;
    while (last >= line.firstNonBlank && (text.charCodeAt(last) === 0x20 || text.charCodeAt(last) === 0x09)) last--;
    return last >= line.firstNonBlank && text.charCodeAt(last) === code && (last === line.firstNonBlank || text.charCodeAt(last - 1) !== code);
  });
}

function buildEscapeTokens(escape: EscapeChar): EscapeTokens {
  const ContinuedLine = createToken({
    name: escape === "\\" ? "ContinuedLine" : "ContinuedLineBacktick",
    pattern: continuedLine(escape),
    line_breaks: true,
  });
  const lexer = new Lexer([CommentLine, BlankLine, ContinuedLine, FinalLine], {
    // Lines are located from offsets by the parser; chevrotain's own
    // line/column bookkeeping would only repeat that work.
    positionTracking: "onlyOffset",
    ensureOptimizations: false,
    skipValidations: true,
  });
  return { escape, ContinuedLine, lexer };
}

const built = new Map<EscapeChar, EscapeTokens>();

/** The tokens and lexer for one escape character (created once, then reused). */
export function escapeTokens(escape: EscapeChar): EscapeTokens {
  let tokens = built.get(escape);
  if (tokens === undefined) {
    tokens = buildEscapeTokens(escape);
    built.set(escape, tokens);
  }
  return tokens;
}
