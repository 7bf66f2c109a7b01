/**
 * Source positions. Lines and columns are 1-based; columns and offsets count
 * UTF-16 code units (as editors and the Language Server Protocol do) in the
 * text after a leading byte-order mark is removed. A range's end is exclusive.
 */
import type { LogicalLine } from "../../grammar/parser.js";

export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** Offset at which each line starts; index 0 is line 1. A final newline starts no further line. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let newline = text.indexOf("\n"); newline !== -1 && newline + 1 < text.length; newline = text.indexOf("\n", newline + 1)) {
    starts.push(newline + 1);
  }
  return starts;
}

/** The empty range at the start of a file, for messages with no better place. */
export const START_OF_FILE: Range = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

/**
 * A range kept as two source offsets and the lines they lie on; its
 * positions are made when read. Every word of the tree has a range, and
 * three objects per range (a range and two positions) were most of the
 * objects a parsed tree kept alive; this is one (and the file's line table,
 * shared by all its ranges). JSON sees a plain range, but it is not a plain
 * object: each read of `start` or `end` makes a new position, and spreading
 * or structured-cloning a range does not copy them.
 */
class LocatedRange implements Range {
  constructor(
    private readonly lineStarts: ArrayLike<number>,
    private readonly startLine: number,
    private readonly startOffset: number,
    private readonly endLine: number,
    private readonly endOffset: number,
  ) {}

  get start(): Position {
    return { line: this.startLine, column: this.startOffset - (this.lineStarts[this.startLine - 1] ?? 0) + 1, offset: this.startOffset };
  }

  get end(): Position {
    return { line: this.endLine, column: this.endOffset - (this.lineStarts[this.endLine - 1] ?? 0) + 1, offset: this.endOffset };
  }

  toJSON(): { start: Position; end: Position } {
    return { start: this.start, end: this.end };
  }
}

/** Turns offsets into positions and ranges for one source text. */
export class SourceLocator {
  constructor(private readonly lineStarts: ArrayLike<number>) {}

  /** The line (1-based) of a source offset. */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }

  /** The position of a source offset. */
  at(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, column: offset - (this.lineStarts[line - 1] ?? 0) + 1, offset };
  }

  range(startOffset: number, endOffset: number): Range {
    return this.between(this.lineOf(startOffset), startOffset, this.lineOf(endOffset), endOffset);
  }

  /** The range between two source offsets whose lines are known. */
  between(startLine: number, startOffset: number, endLine: number, endOffset: number): Range {
    return new LocatedRange(this.lineStarts, startLine, startOffset, endLine, endOffset);
  }

  /** The range of a whole line's text, for messages that can only name a line. */
  lineRange(line: number, text: string): Range {
    const startOffset = this.lineStarts[line - 1] ?? 0;
    const nextStart = this.lineStarts[line] ?? text.length;
    let end = nextStart;
    while (end > startOffset && (text[end - 1] === "\n" || text[end - 1] === "\r")) end--;
    return this.between(line, startOffset, line, end);
  }

  /** A line's text without its line break. */
  lineText(line: number, text: string): string {
    const { start, end } = this.lineRange(line, text);
    return text.slice(start.offset, end.offset);
  }
}

/**
 * Maps offsets in an instruction's joined text (continuations removed) back
 * to the source, so that a word of a multi-line instruction still points at
 * the line and column where it was written.
 */
export class LineMap {
  constructor(
    private readonly line: LogicalLine,
    private readonly locator: SourceLocator,
  ) {}

  /** The piece of the line that holds `textOffset` (the end of a piece, with `preferPrevious`). */
  private segmentAt(textOffset: number, preferPrevious: boolean): LogicalLine["segments"][number] | undefined {
    const segments = this.line.segments;
    // Most instructions are one line: no search needed.
    if (segments.length === 1) return segments[0];
    let low = 0;
    let high = segments.length - 1;
    const probe = preferPrevious && textOffset > 0 ? textOffset - 1 : textOffset;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((segments[mid]?.textOffset ?? 0) <= probe) low = mid;
      else high = mid - 1;
    }
    return segments[low];
  }

  /** Source range of `text.slice(start, end)`. */
  range(start: number, end: number): Range {
    const first = this.segmentAt(start, false);
    const last = this.segmentAt(end, end > start);
    if (first === undefined || last === undefined) return this.locator.range(this.line.startOffset, this.line.startOffset);
    return this.locator.between(first.line, first.sourceOffset + (start - first.textOffset), last.line, last.sourceOffset + (end - last.textOffset));
  }
}
