/**
 * The line structure of a Dockerfile, parsed with chevrotain.
 *
 *   file         := ( CommentLine | BlankLine | instruction )*
 *   instruction  := ( FinalLine | ContinuedLine continuation ) heredocBody*
 *   continuation := ( CommentLine | BlankLine | ContinuedLine )* FinalLine?
 *   heredocBody  := any line, while a heredoc opened by the instruction is unterminated
 *
 * This follows BuildKit's `parser.Parse` line for line: leading white space is
 * dropped from the first line of an instruction but kept on continuation lines;
 * comment lines and blank ("empty continuation") lines inside a continuation
 * are skipped; a continuation may run into the end of the file; heredoc bodies
 * follow the instruction line and are read raw.
 *
 * The grammar does not know instructions. For each joined instruction line it
 * calls an interpreter (supplied by `src/syntax`) that returns whatever it
 * makes of the line plus the heredocs the line opens; the grammar then reads
 * those bodies.
 */
import { EmbeddedActionsParser, type IToken } from "chevrotain";
import { isGoSpace, trimGoSpace } from "./chars.js";
import { BlankLine, CommentLine, escapeTokens, FinalLine, type EscapeChar, type EscapeTokens } from "./lexer.js";

/** A piece of a logical line's text and where it starts in the source. */
export interface Segment {
  /** Offset of the piece in {@link LogicalLine.text}. */
  readonly textOffset: number;
  /** Offset of the same character in the source text. */
  readonly sourceOffset: number;
  /** 1-based line of the piece. */
  readonly line: number;
}

/** One instruction line as BuildKit's line reader assembles it, before heredocs. */
export interface LogicalLine {
  /** The joined text (BuildKit's `line`): continuation characters removed, first line left-trimmed. */
  readonly text: string;
  readonly segments: readonly Segment[];
  readonly startLine: number;
  /** Last physical line of the instruction text (comment and blank lines inside it included). */
  readonly endLine: number;
  /** Source offset where the instruction text starts, and where the text of its last line ends. */
  readonly startOffset: number;
  readonly endOffset: number;
  /** Comment lines directly above (BuildKit's `PrevComment`), `#` and surrounding space removed. */
  readonly comments: readonly string[];
  /** Lines of white space inside the continuation (BuildKit warns about them). */
  readonly emptyContinuationLines: readonly number[];
}

/** A heredoc the interpreter found on an instruction line. */
export interface HeredocRequest {
  readonly name: string;
  /** `<<-`: leading tabs are ignored when looking for the terminator. */
  readonly chomp: boolean;
}

export interface HeredocBody {
  readonly request: HeredocRequest;
  /** Raw body lines, line endings included (BuildKit's `Heredoc.Content`). */
  readonly content: string;
  /** First line after the line that precedes the body. */
  readonly startLine: number;
  readonly startOffset: number;
  /** Line of the terminator, or the last line of the file when unterminated. */
  readonly endLine: number;
  /** Offset just past the terminator's text (its line ending excluded). */
  readonly endOffset: number;
  readonly terminated: boolean;
}

/** What the interpreter makes of an instruction line. */
export interface Interpretation<T> {
  readonly value: T;
  readonly heredocs: readonly HeredocRequest[];
}

export type LineInterpreter<T> = (line: LogicalLine) => Interpretation<T>;

export interface ParsedInstruction<T> {
  readonly line: LogicalLine;
  readonly value: T;
  /** In the order they were opened. The first unterminated one ends the list. */
  readonly heredocs: readonly HeredocBody[];
  /** Last physical line consumed, heredoc bodies included, and the offset where its text ends. */
  readonly endLine: number;
  readonly endOffset: number;
}

const leadingTabs = /^\t+/;

/** Length of a line without its trailing CR/LF characters (BuildKit's `trimNewline`). */
function textLength(token: IToken): number {
  const image = token.image;
  let end = image.length;
  while (end > 0 && (image.charCodeAt(end - 1) === 0x0a || image.charCodeAt(end - 1) === 0x0d)) end--;
  return end;
}

/** The text of a line without its trailing CR/LF characters. */
function lineText(token: IToken): string {
  return token.image.slice(0, textLength(token));
}

function lineNumber(token: IToken): number {
  // Every token is one line; `parseLineStructure` numbers them after lexing.
  return token.startLine ?? 0;
}

class LineParser extends EmbeddedActionsParser {
  private interpret: LineInterpreter<unknown> = () => ({ value: undefined, heredocs: [] });
  private directiveLines = 0;
  private comments: string[] = [];
  private instructions: ParsedInstruction<unknown>[] = [];

  // The instruction being read.
  private text = "";
  private segments: Segment[] = [];
  private emptyContinuationLines: number[] = [];
  private startLine = 0;
  private startOffset = 0;
  private endLine = 0;
  private endOffset = 0;
  private head: LogicalLine | undefined;
  private value: unknown;
  private pending: HeredocRequest[] = [];
  private bodies: HeredocBody[] = [];
  private body = "";
  private bodyStart: IToken | undefined;

  constructor(private readonly tokens: EscapeTokens) {
    super([CommentLine, BlankLine, tokens.ContinuedLine, FinalLine], { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  public file = this.RULE("file", () => {
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const token = this.CONSUME(CommentLine);
            this.ACTION(() => this.topLevelComment(token));
          },
        },
        { ALT: () => this.CONSUME(BlankLine) },
        { ALT: () => this.SUBRULE(this.instruction) },
      ]);
    });
  });

  private instruction = this.RULE("instruction", () => {
    this.OR([
      {
        ALT: () => {
          const token = this.CONSUME(FinalLine);
          this.ACTION(() => this.beginInstruction(token, false));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(this.tokens.ContinuedLine);
          this.ACTION(() => this.beginInstruction(token, true));
          this.SUBRULE(this.continuation);
        },
      },
    ]);
    this.ACTION(() => this.interpretLine());
    this.MANY({
      GATE: () => this.pending.length > 0,
      DEF: () => {
        const token = this.SUBRULE(this.heredocLine);
        this.ACTION(() => this.readHeredocLine(token));
      },
    });
    this.ACTION(() => this.endInstruction());
  });

  private continuation = this.RULE("continuation", () => {
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const token = this.CONSUME(CommentLine);
            this.ACTION(() => this.touch(token));
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(BlankLine);
            this.ACTION(() => this.emptyContinuationLines.push(this.touch(token)));
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(this.tokens.ContinuedLine);
            this.ACTION(() => this.append(token, lineText(token), 0, true));
          },
        },
      ]);
    });
    this.OPTION(() => {
      const token = this.CONSUME(FinalLine);
      this.ACTION(() => this.append(token, lineText(token), 0, false));
    });
  });

  private heredocLine = this.RULE("heredocLine", () =>
    this.OR([
      { ALT: () => this.CONSUME(CommentLine) },
      { ALT: () => this.CONSUME(BlankLine) },
      { ALT: () => this.CONSUME(this.tokens.ContinuedLine) },
      { ALT: () => this.CONSUME(FinalLine) },
    ]),
  );

  /** Parses one token stream; the parser instance is reused between calls. */
  parseTokens<T>(tokens: IToken[], directiveLines: number, interpret: LineInterpreter<T>): ParsedInstruction<T>[] {
    this.directiveLines = directiveLines;
    this.interpret = interpret;
    this.comments = [];
    this.instructions = [];
    this.input = tokens;
    try {
      this.file();
      return this.instructions as ParsedInstruction<T>[];
    } finally {
      this.instructions = [];
      this.interpret = () => ({ value: undefined, heredocs: [] });
    }
  }

  /** Marks a line as consumed by the current instruction and returns its number. */
  private touch(token: IToken): number {
    this.endLine = lineNumber(token);
    this.endOffset = token.startOffset + textLength(token);
    return this.endLine;
  }

  private topLevelComment(token: IToken): void {
    if (lineNumber(token) <= this.directiveLines) return; // parser directives are not comments
    // BuildKit drops the first character of the raw line (not necessarily the `#`) and trims.
    const comment = trimGoSpace(token.image.slice(1));
    if (comment === "") this.comments = [];
    else this.comments.push(comment);
  }

  private beginInstruction(token: IToken, continued: boolean): void {
    const raw = lineText(token);
    let indent = 0;
    while (indent < raw.length && isGoSpace(raw.charCodeAt(indent))) indent++;
    this.text = "";
    this.segments = [];
    this.emptyContinuationLines = [];
    this.bodies = [];
    this.startLine = lineNumber(token);
    this.startOffset = token.startOffset + indent;
    this.append(token, raw.slice(indent), indent, continued);
  }

  /** Adds a line's text to the instruction, without the continuation character when it has one. */
  private append(token: IToken, text: string, skipped: number, continued: boolean): void {
    const line = this.touch(token);
    const piece = continued ? withoutContinuation(text) : text;
    if (piece.length > 0) {
      this.segments.push({ textOffset: this.text.length, sourceOffset: token.startOffset + skipped, line });
      this.text += piece;
    }
  }

  private interpretLine(): void {
    this.head = {
      text: this.text,
      segments: this.segments,
      startLine: this.startLine,
      endLine: this.endLine,
      startOffset: this.startOffset,
      endOffset: this.endOffset,
      comments: this.comments,
      emptyContinuationLines: this.emptyContinuationLines,
    };
    const { value, heredocs } = this.interpret(this.head);
    this.value = value;
    this.pending = [...heredocs];
  }

  private readHeredocLine(token: IToken): void {
    const current = this.pending[0];
    if (current === undefined) return;
    this.bodyStart ??= token;
    const line = this.touch(token);
    let candidate = lineText(token);
    if (current.chomp) candidate = candidate.replace(leadingTabs, "");
    if (candidate === current.name) this.finishHeredoc(current, line, true);
    else this.body += token.image;
  }

  private finishHeredoc(request: HeredocRequest, endLine: number, terminated: boolean): void {
    const start = this.bodyStart;
    this.bodies.push({
      request,
      content: this.body,
      startLine: start === undefined ? endLine + 1 : lineNumber(start),
      startOffset: start === undefined ? this.endOffset : start.startOffset,
      endLine,
      endOffset: this.endOffset,
      terminated,
    });
    this.body = "";
    this.bodyStart = undefined;
    this.pending.shift();
  }

  private endInstruction(): void {
    // The input ran out with a heredoc still open. BuildKit stops at the first
    // such heredoc; record it as unterminated and let the interpreter's owner report it.
    const open = this.pending[0];
    if (open !== undefined) this.finishHeredoc(open, this.endLine, false);
    this.pending = [];
    const line = this.head;
    if (line === undefined) throw new Error("instruction ended before it began");
    this.instructions.push({ line, value: this.value, heredocs: this.bodies, endLine: this.endLine, endOffset: this.endOffset });
    this.comments = [];
    this.head = undefined;
  }
}

/** The line without its continuation: the escape character (last non-blank character) and the blanks after it. */
function withoutContinuation(text: string): string {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return text.slice(0, end - 1);
}

const parsers = new Map<EscapeChar, LineParser>();

function parserFor(escape: EscapeChar): LineParser {
  let parser = parsers.get(escape);
  if (parser === undefined) {
    parser = new LineParser(escapeTokens(escape));
    parsers.set(escape, parser);
  }
  return parser;
}

/**
 * Splits a Dockerfile into instruction lines and their heredoc bodies.
 *
 * @param text the source, byte-order mark already removed
 * @param escape the escape character chosen by the parser directives
 * @param directiveLines how many leading lines are parser directives (they are not comments)
 * @param interpreterFor given where each line starts, makes the function that reads each joined
 *   instruction line and names the heredocs it opens
 */
export function parseLineStructure<T>(
  text: string,
  escape: EscapeChar,
  directiveLines: number,
  interpreterFor: (lineStarts: readonly number[]) => LineInterpreter<T>,
): ParsedInstruction<T>[] {
  const { tokens } = escapeTokens(escape).lexer.tokenize(text);
  const lineStarts = new Array<number>(tokens.length);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as IToken;
    token.startLine = index + 1;
    lineStarts[index] = token.startOffset;
  }
  return parserFor(escape).parseTokens(tokens, directiveLines, interpreterFor(lineStarts));
}
