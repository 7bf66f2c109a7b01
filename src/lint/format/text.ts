/** `file:line:col: severity Rule: message`, the source line and a caret, grouped by file. */
import { formatDiagnostic } from "../../syntax/diagnostic.js";
import type { Finding } from "../finding.js";

export function formatText(findings: readonly Finding[], sources: ReadonlyMap<string, string>, allPlatforms: readonly string[], color: boolean): string {
  const blocks: string[] = [];
  for (const finding of findings) {
    const source = sources.get(finding.file) ?? "";
    const only = finding.platforms.length > 0 && finding.platforms.length < allPlatforms.length ? ` [${finding.platforms.join(", ")}]` : "";
    blocks.push(
      formatDiagnostic(
        {
          file: finding.file,
          source,
          range: {
            start: { line: finding.line, column: finding.column, offset: offsetOf(source, finding.line, finding.column) },
            end: { line: finding.endLine, column: finding.endColumn, offset: offsetOf(source, finding.endLine, finding.endColumn) },
          },
          severity: finding.severity,
          code: finding.rule,
          message: `${finding.message}${only}`,
        },
        color,
      ),
    );
  }
  const errors = findings.filter((finding) => finding.severity === "error").length;
  const warnings = findings.filter((finding) => finding.severity === "warning").length;
  const summary = findings.length === 0 ? "no problems found" : `${findings.length} problem${findings.length === 1 ? "" : "s"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})`;
  return `${[...blocks, summary].join("\n")}\n`;
}

function offsetOf(source: string, line: number, column: number): number {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const newline = text.indexOf("\n", offset);
    if (newline === -1) break;
    offset = newline + 1;
  }
  return offset + column - 1;
}
