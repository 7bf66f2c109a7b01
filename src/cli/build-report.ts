/** What `dfc build` prints while and after it builds, simulated or real. */
import { StepFailedError } from "../exec/local/proot.js";
import type { ProgressEvent } from "../exec/progress.js";
import type { ScheduleResult } from "../exec/scheduler.js";
import { formatDiagnostic } from "../syntax/diagnostic.js";
import { EXIT_FAILURE, EXIT_OK } from "./errors.js";
import { useColor, writeErr, type InputFile } from "./io.js";

function plainEvent(event: ProgressEvent): string {
  const mode = event.mode === null || event.mode === "native" ? "" : ` (${event.mode})`;
  const message = event.message === undefined ? "" : `: ${event.message}`;
  return `${event.time.toFixed(1).padStart(7)}s ${event.event.padEnd(6)} ${event.name}${mode}${message}`;
}

/** `--progress plain|json` on stderr; nothing for null. */
export function eventWriter(progress: "plain" | "json" | null): ((event: ProgressEvent) => void) | undefined {
  if (progress === "json") return (event) => writeErr(JSON.stringify(event));
  if (progress === "plain") return (event) => writeErr(plainEvent(event));
  return undefined;
}

/** Each failure at its instruction; exit 1 when there is any. */
export function reportFailures(result: ScheduleResult, input: InputFile): number {
  const color = useColor(process.stderr);
  for (const failure of result.failures) {
    const message = `${failure.vertex.meta.name}: ${failure.message}`;
    const range = failure.vertex.meta.location;
    writeErr(range === null ? `dfc: ${message}` : formatDiagnostic({ file: input.name, source: input.text, range, severity: "error", message }, color));
    // The step's own last words say why it failed.
    if (failure.error instanceof StepFailedError) for (const line of failure.error.tail) writeErr(`  > ${line}`);
  }
  return result.failures.length > 0 ? EXIT_FAILURE : EXIT_OK;
}
