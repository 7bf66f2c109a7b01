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

/** Turns offsets into positions for one source text. */
/** The empty range at the start of a file, for messages with no better place. */
export const START_OF_FILE: Range = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

export class SourceLocator {
  constructor(private readonly lineStarts: readonly number[]) {}

  /** The position of a source offset. */
  at(offset: number): Position {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1, offset };
  }

  /** Position of a source offset known to lie on `line`. */
  onLine(line: number, offset: number): Position {
    return { line, column: offset - (this.lineStarts[line - 1] ?? 0) + 1, offset };
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.at(startOffset), end: this.at(endOffset) };
  }

  /** The range of a whole line's text, for messages that can only name a line. */
  lineRange(line: number, text: string): Range {
    const startOffset = this.lineStarts[line - 1] ?? 0;
    const nextStart = this.lineStarts[line] ?? text.length;
    let end = nextStart;
    while (end > startOffset && (text[end - 1] === "\n" || text[end - 1] === "\r")) end--;
    return { start: this.onLine(line, startOffset), end: this.onLine(line, end) };
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

  /** Source position of the character at `textOffset` (the end of the text maps to the end of its last piece). */
  at(textOffset: number, preferPrevious = false): Position {
    const segments = this.line.segments;
    if (segments.length === 1) {
      // Most instructions are one line: no search needed.
      const only = segments[0] as LogicalLine["segments"][number];
      return this.locator.onLine(only.line, only.sourceOffset + (textOffset - only.textOffset));
    }
    let low = 0;
    let high = segments.length - 1;
    const probe = preferPrevious && textOffset > 0 ? textOffset - 1 : textOffset;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((segments[mid]?.textOffset ?? 0) <= probe) low = mid;
      else high = mid - 1;
    }
    const segment = segments[low];
    if (segment === undefined) return this.locator.at(this.line.startOffset);
    return this.locator.onLine(segment.line, segment.sourceOffset + (textOffset - segment.textOffset));
  }

  /** Source range of `text.slice(start, end)`. */
  range(start: number, end: number): Range {
    return { start: this.at(start), end: this.at(end, end > start) };
  }
}
