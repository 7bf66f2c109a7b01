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
import { EmbeddedActionsParser, type IToken, type TokenType } from "chevrotain";
import { isGoSpace, trimGoSpace } from "./chars.js";
import { AnyLine, BlankLine, CommentLine, ContinuationLine, ContinuedLine, FinalLine, scanLines, SourceLines, type EscapeChar } from "./lexer.js";

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

/**
 * What reads instruction lines: the grammar hands it each joined line, then
 * the whole instruction once its heredoc bodies are read. Only what
 * `complete` returns is kept, so the line structure of an instruction can be
 * collected as soon as the instruction is done.
 */
export interface LineInterpreter<T, R> {
  interpret(line: LogicalLine): Interpretation<T>;
  complete(instruction: ParsedInstruction<T>): R;
}

const NO_INTERPRETER: LineInterpreter<unknown, unknown> = {
  interpret: () => ({ value: undefined, heredocs: [] }),
  complete: () => undefined,
};

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

const NO_LINES = new SourceLines("", [], [], []);

class LineParser extends EmbeddedActionsParser {
  private interpreter: LineInterpreter<unknown, unknown> = NO_INTERPRETER;
  private directiveLines = 0;
  private comments: string[] = [];
  private instructions: unknown[] = [];

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
  /** First line of the heredoc body being read, or -1. */
  private bodyStart = -1;

  // The file being read, and the index of the next line to consume.
  private lines = NO_LINES;
  private cursor = 0;

  constructor(private readonly continued: TokenType) {
    super([AnyLine, ContinuationLine, CommentLine, BlankLine, continued, FinalLine], { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  // Every CONSUME is followed by an ACTION that takes the next line: tokens
  // carry no positions (see SourceLines), the order of consumption does.
  // The rules run once per line: the alternatives, and every function they
  // hand to chevrotain, are made once per parser, not per call.
  private readonly onComment = (): void => this.topLevelComment(this.take());
  private readonly onBlank = (): void => void this.take();
  private readonly onStart = (): void => this.beginInstruction(this.take(), false);
  private readonly onContinuedStart = (): void => this.beginInstruction(this.take(), true);
  private readonly onInterpret = (): void => this.interpretLine();
  private readonly onHeredocLine = (): void => this.readHeredocLine(this.take());
  private readonly onEnd = (): void => this.endInstruction();
  private readonly onLastLine = (): void => this.append(this.take(), 0, false);
  /** The type of the continuation line just consumed (an action runs right after its CONSUME). */
  private continuationType: TokenType = ContinuationLine;
  private readonly onContinuationLine = (): void => this.continueWith(this.take(), this.continuationType);

  private readonly topLevelLines = [
    {
      ALT: () => {
        this.CONSUME(CommentLine);
        this.ACTION(this.onComment);
      },
    },
    {
      ALT: () => {
        this.CONSUME(BlankLine);
        this.ACTION(this.onBlank);
      },
    },
    { ALT: () => this.SUBRULE(this.instruction) },
  ];

  private readonly instructionStarts = [
    {
      ALT: () => {
        this.CONSUME(FinalLine);
        this.ACTION(this.onStart);
      },
    },
    {
      ALT: () => {
        this.CONSUME(this.continued);
        this.ACTION(this.onContinuedStart);
        this.SUBRULE(this.continuation);
      },
    },
  ];

  private readonly heredocLines = {
    GATE: () => this.pending.length > 0,
    DEF: () => {
      this.CONSUME(AnyLine);
      this.ACTION(this.onHeredocLine);
    },
  };

  private readonly continuationLine = (): void => {
    this.continuationType = this.CONSUME(ContinuationLine).tokenType;
    this.ACTION(this.onContinuationLine);
  };

  private readonly lastLine = (): void => {
    this.CONSUME(FinalLine);
    this.ACTION(this.onLastLine);
  };

  public file = this.RULE("file", () => {
    this.MANY(() => this.OR(this.topLevelLines));
  });

  private instruction = this.RULE("instruction", () => {
    this.OR(this.instructionStarts);
    this.ACTION(this.onInterpret);
    this.MANY(this.heredocLines);
    this.ACTION(this.onEnd);
  });

  private continuation = this.RULE("continuation", () => {
    this.MANY(this.continuationLine);
    this.OPTION(this.lastLine);
  });

  /** The index of the line just consumed. */
  private take(): number {
    return this.cursor++;
  }

  /** A line inside a continuation: comment and blank lines are skipped (blank ones noted), continued lines joined. */
  private continueWith(index: number, type: TokenType): void {
    if (type === this.continued) this.append(index, 0, true);
    else if (type === BlankLine) this.emptyContinuationLines.push(this.touch(index));
    else this.touch(index);
  }

  /** Parses one file's lines; the parser instance is reused between calls. */
  parseLines<T, R>(lines: SourceLines, directiveLines: number, interpreter: LineInterpreter<T, R>): R[] {
    this.directiveLines = directiveLines;
    this.interpreter = interpreter as LineInterpreter<unknown, unknown>;
    this.comments = [];
    this.instructions = [];
    this.lines = lines;
    this.cursor = 0;
    this.input = lines.tokens as IToken[];
    try {
      this.file();
      return this.instructions as R[];
    } finally {
      this.forget();
    }
  }

  /** The parser lives on between files: it must keep nothing of the last one alive (a range keeps its line table). */
  private forget(): void {
    this.input = [];
    this.lines = NO_LINES;
    this.instructions = [];
    this.interpreter = NO_INTERPRETER;
    this.comments = [];
    this.text = "";
    this.segments = [];
    this.emptyContinuationLines = [];
    this.head = undefined;
    this.value = undefined;
    this.pending = [];
    this.bodies = [];
    this.body = "";
    this.bodyStart = -1;
  }

  /** Marks a line as consumed by the current instruction and returns its number. */
  private touch(index: number): number {
    this.endLine = index + 1;
    this.endOffset = this.lines.textEnds[index] ?? 0;
    return this.endLine;
  }

  private topLevelComment(index: number): void {
    if (index + 1 <= this.directiveLines) return; // parser directives are not comments
    // BuildKit drops the first character of the raw line (not necessarily the `#`) and trims.
    const comment = trimGoSpace(this.lines.text(index).slice(1));
    if (comment === "") this.comments = [];
    else this.comments.push(comment);
  }

  private beginInstruction(index: number, continued: boolean): void {
    const raw = this.lines.text(index);
    let indent = 0;
    while (indent < raw.length && isGoSpace(raw.charCodeAt(indent))) indent++;
    this.text = "";
    this.segments = [];
    this.emptyContinuationLines = [];
    this.bodies = [];
    this.startLine = index + 1;
    this.startOffset = (this.lines.starts[index] ?? 0) + indent;
    this.append(index, indent, continued, raw);
  }

  /** Adds a line's text (from `skipped` on) to the instruction, without the continuation character when it has one. */
  private append(index: number, skipped: number, continued: boolean, line = this.lines.text(index)): void {
    const number = this.touch(index);
    const text = line.slice(skipped);
    const piece = continued ? withoutContinuation(text) : text;
    if (piece.length > 0) {
      this.segments.push({ textOffset: this.text.length, sourceOffset: (this.lines.starts[index] ?? 0) + skipped, line: number });
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
    const { value, heredocs } = this.interpreter.interpret(this.head);
    this.value = value;
    this.pending = [...heredocs];
  }

  private readHeredocLine(index: number): void {
    const current = this.pending[0];
    if (current === undefined) return;
    if (this.bodyStart === -1) this.bodyStart = index;
    const number = this.touch(index);
    let candidate = this.lines.text(index);
    if (current.chomp) candidate = candidate.replace(leadingTabs, "");
    if (candidate === current.name) this.finishHeredoc(current, number, true);
    else this.body += this.lines.image(index);
  }

  private finishHeredoc(request: HeredocRequest, endLine: number, terminated: boolean): void {
    const start = this.bodyStart;
    this.bodies.push({
      request,
      content: this.body,
      startLine: start === -1 ? endLine + 1 : start + 1,
      startOffset: start === -1 ? this.endOffset : (this.lines.starts[start] ?? 0),
      endLine,
      endOffset: this.endOffset,
      terminated,
    });
    this.body = "";
    this.bodyStart = -1;
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
    this.instructions.push(this.interpreter.complete({ line, value: this.value, heredocs: this.bodies, endLine: this.endLine, endOffset: this.endOffset }));
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
    parser = new LineParser(ContinuedLine[escape]);
    parsers.set(escape, parser);
  }
  return parser;
}

/**
 * Splits a Dockerfile into instruction lines and their heredoc bodies, and has each interpreted.
 *
 * @param text the source, byte-order mark already removed
 * @param escape the escape character chosen by the parser directives
 * @param directiveLines how many leading lines are parser directives (they are not comments)
 * @param interpreterFor given where each line starts, makes the interpreter of the instructions
 * @returns what the interpreter made of each instruction, in order
 */
export function parseLineStructure<T, R>(
  text: string,
  escape: EscapeChar,
  directiveLines: number,
  interpreterFor: (lineStarts: readonly number[]) => LineInterpreter<T, R>,
): R[] {
  const lines = scanLines(text, escape);
  return parserFor(escape).parseLines(lines, directiveLines, interpreterFor(lines.starts));
}
