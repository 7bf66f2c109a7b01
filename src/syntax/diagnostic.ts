/**
 * Messages about a place in a Dockerfile, the way compilers print them:
 *
 *   Dockerfile:3:5: error: ENV must have two arguments
 *       ENV PATH
 *           ^~~~
 */
import type { Range } from "./position.js";

export type Severity = "error" | "warning" | "note" | "info";

export interface DiagnosticText {
  readonly file: string;
  readonly source: string;
  readonly range: Range;
  readonly severity: Severity;
  readonly message: string;
  /** Rule name shown after the severity, for lint findings. */
  readonly code?: string;
}

const COLORS: Readonly<Record<Severity, string>> = { error: "31", warning: "33", note: "36", info: "34" };
/** `text` in an ANSI style (`1` bold, `31` red, …) when `on`. */
export const paint = (on: boolean, code: string, text: string): string => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** Header, source line and caret; `color` adds ANSI colours (for terminals only). */
export function formatDiagnostic(diagnostic: DiagnosticText, color = false): string {
  const { start, end } = diagnostic.range;
  const label = diagnostic.code === undefined ? diagnostic.severity : `${diagnostic.severity} ${diagnostic.code}`;
  const header = `${paint(color, "1", `${diagnostic.file}:${start.line}:${start.column}:`)} ${paint(color, `1;${COLORS[diagnostic.severity]}`, `${label}:`)} ${diagnostic.message}`;
  const lineText = sourceLine(diagnostic.source, start.offset - (start.column - 1));
  if (lineText === undefined) return header;
  // Keep tabs in the caret's indentation so it lines up under the source.
  const indent = lineText.slice(0, start.column - 1).replace(/[^\t]/g, " ");
  const lastColumn = end.line === start.line ? Math.max(end.column, start.column + 1) : lineText.length + 1;
  const width = Math.max(1, Math.min(lastColumn, lineText.length + 1) - start.column);
  const caret = "^" + "~".repeat(width - 1);
  return `${header}\n    ${lineText}\n    ${indent}${paint(color, `1;${COLORS[diagnostic.severity]}`, caret)}`;
}

function sourceLine(source: string, lineStart: number): string | undefined {
  // Positions are counted after a byte-order mark.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (lineStart < 0 || lineStart > text.length) return undefined;
  const newline = text.indexOf("\n", lineStart);
  return text.slice(lineStart, newline === -1 ? text.length : newline).replace(/\r$/, "");
}
