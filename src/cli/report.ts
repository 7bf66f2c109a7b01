import { formatDiagnostic } from "../syntax/diagnostic.js";
import { SourceError } from "../syntax/errors.js";
import { EXIT_FAILURE } from "./errors.js";
import { useColor, writeErr, type InputFile } from "./io.js";

/** Prints a Dockerfile error with its place and related places; rethrows anything else. */
export function reportSourceError(error: unknown, input: InputFile): number {
  if (!(error instanceof SourceError)) throw error;
  const color = useColor(process.stderr);
  const show = (range: SourceError["range"], severity: "error" | "note", message: string): void =>
    writeErr(formatDiagnostic({ file: input.name, source: input.text, range, severity, message }, color));
  show(error.range, "error", error.message);
  for (const related of error.related) show(related.range, "note", related.message);
  return EXIT_FAILURE;
}
