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

/** The two escape characters BuildKit accepts in `# escape=`. */
export type EscapeChar = "\\" | "`";

/**
 * Go's `unicode.IsSpace` without `\n` (lines never contain one). JavaScript's
 * `\s` differs: it has U+FEFF and lacks U+0085, so the class is spelled out.
 */
export const GO_SPACE_CLASS = "\\t\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const goSpaceEdges = new RegExp(`^[\\n${GO_SPACE_CLASS}]+|[\\n${GO_SPACE_CLASS}]+$`, "g");

/** Go's `strings.TrimSpace`: both ends, Go's notion of white space. */
export function trimGoSpace(text: string): string {
  return text.replace(goSpaceEdges, "");
}

/** A line whose first non-blank character is `#` (BuildKit's `isComment`). */
export const CommentLine = createToken({
  name: "CommentLine",
  pattern: new RegExp(`[${GO_SPACE_CLASS}]*#[^\\n]*\\n?`),
  line_breaks: true,
});

/** A line of nothing but white space. Inside a continuation it is an "empty continuation line". */
export const BlankLine = createToken({
  name: "BlankLine",
  pattern: new RegExp(`[${GO_SPACE_CLASS}]*\\n|[${GO_SPACE_CLASS}]+$`),
  line_breaks: true,
});

/** The last line of an instruction (or an instruction of one line). */
export const FinalLine = createToken({
  name: "FinalLine",
  pattern: /[^\n]+\n?|\n/,
  line_breaks: true,
});

/** The tokens that differ per escape character, and the lexer that uses them. */
export interface EscapeTokens {
  readonly escape: EscapeChar;
  /** A line that ends with the escape character (BuildKit's line continuation). */
  readonly ContinuedLine: TokenType;
  readonly lexer: Lexer;
}

function continuedLinePattern(escape: EscapeChar): RegExp {
  const e = escape === "\\" ? "\\\\" : "`";
  // BuildKit: `([^E])E[ \t]*$|^E[ \t]*$` on the line without its trailing
  // CR/LF. An escape preceded by another escape is a literal, not a
  // continuation (so `foo\\` ends the instruction), and BuildKit does not look
  // further back than one character, so neither do we.
  return new RegExp(`(?:[^\\n]*[^${e}\\n])?${e}[ \\t]*\\r*(?:\\n|$)`);
}

function buildEscapeTokens(escape: EscapeChar): EscapeTokens {
  const ContinuedLine = createToken({
    name: escape === "\\" ? "ContinuedLine" : "ContinuedLineBacktick",
    pattern: continuedLinePattern(escape),
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
