/**
 * Parser directives (`# syntax=…`, `# escape=…`, `# check=…`), read the way
 * BuildKit reads them: only from the comment lines at the very top of the
 * file, keys case-insensitive, each at most once. The first line that is not
 * a directive (a blank line, an ordinary comment, an instruction) ends them.
 *
 * BuildKit looks for directives twice. Its parser honours `escape` only on
 * the first lines; the frontend finds `syntax` and `check` with a separate
 * reader that skips a `#!` first line. A Dockerfile that starts with a shebang
 * therefore keeps its `syntax` and `check` directives but not its `escape`.
 */
import type { EscapeChar } from "../../grammar/lexer.js";
import { DockerfileSyntaxError } from "./errors.js";
import type { Range } from "./position.js";

export type DirectiveName = "syntax" | "escape" | "check";

export interface Directive {
  readonly name: DirectiveName;
  readonly value: string;
  readonly range: Range;
}

export interface DirectiveScan {
  readonly directives: readonly Directive[];
  readonly escape: EscapeChar;
  /** How many lines from the top are parser directives (they are not comments). */
  readonly lines: number;
}

// Go's `\s` is [\t\n\f\r ]; `.` is anything but a newline.
const directivePattern = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;
const leadingSpace = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const trailingNewline = /[\r\n]+$/;

interface Candidate {
  readonly name: DirectiveName;
  readonly value: string;
  readonly line: number;
}

/**
 * Reads directives from `lines` starting at `firstLine` (1-based) until one
 * is not a directive. Calls `onRepeat` for a key seen twice; returns what it
 * read up to there.
 */
function readDirectives(
  lines: readonly string[],
  firstLine: number,
  onRepeat: (name: DirectiveName, line: number) => void,
): Candidate[] {
  const found: Candidate[] = [];
  for (let index = firstLine - 1; index < lines.length; index++) {
    const text = (lines[index] ?? "").replace(trailingNewline, "").replace(leadingSpace, "");
    if (!text.startsWith("#")) break;
    const match = directivePattern.exec(text.slice(1).replace(leadingSpace, ""));
    if (match === null) break;
    const name = (match[1] ?? "").toLowerCase();
    if (name !== "syntax" && name !== "escape" && name !== "check") break;
    if (found.some((d) => d.name === name)) {
      onRepeat(name, index + 1);
      break;
    }
    found.push({ name, value: match[2] ?? "", line: index + 1 });
  }
  return found;
}

/** Up to `count` lines of `text`, without splitting the whole file. */
function firstLines(text: string, count: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < count && start < text.length) {
    const end = text.indexOf("\n", start);
    const stop = end === -1 ? text.length : end;
    lines.push(text.slice(start, stop));
    start = stop + 1;
  }
  return lines;
}

/** The range of one of the first lines (directives are always near the top). */
function lineRange(text: string, line: number): Range {
  let start = 0;
  for (let current = 1; current < line; current++) start = text.indexOf("\n", start) + 1;
  let end = text.indexOf("\n", start);
  if (end === -1) end = text.length;
  while (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
  return { start: { line, column: 1, offset: start }, end: { line, column: end - start + 1, offset: end } };
}

export function scanDirectives(text: string): DirectiveScan {
  // Directives are rare and few; looking at a bounded prefix keeps this O(1) per file.
  const lines = firstLines(text, 16);
  const candidates = readDirectives(lines, 1, (name, line) => {
    throw new DockerfileSyntaxError(`only one ${name} parser directive can be used`, lineRange(text, line));
  });
  let escape: EscapeChar = "\\";
  for (const candidate of candidates) {
    if (candidate.name !== "escape") continue;
    if (candidate.value !== "\\" && candidate.value !== "`") {
      throw new DockerfileSyntaxError(
        `invalid escape token '${candidate.value}' does not match \` or \\`,
        lineRange(text, candidate.line),
      );
    }
    escape = candidate.value;
  }
  let effective = candidates;
  if (candidates.length === 0 && (lines[0] ?? "").startsWith("#!")) {
    // The frontend's own reader skips a shebang and still finds `syntax` and `check`.
    effective = readDirectives(lines, 2, () => undefined).filter((d) => d.name !== "escape");
  }
  return {
    directives: effective.map((d) => ({ name: d.name, value: d.value, range: lineRange(text, d.line) })),
    escape,
    lines: candidates.length,
  };
}
