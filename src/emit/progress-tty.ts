/**
 * `--progress tty`: BuildKit's live view. Finished steps become permanent
 * lines (`=> [linux/arm64 builder 2/5] RUN go build …  12.3s`, `=> CACHED …`);
 * below them, one line per running step with its time so far and its last
 * line of output, redrawn in place.
 */
import type { ProgressEvent } from "../exec/progress.js";

interface Running {
  readonly name: string;
  readonly started: number;
  readonly emulated: boolean;
  last: string;
}

export class LiveProgress {
  private readonly running = new Map<string, Running>();
  private finished: string[] = [];

  event(event: ProgressEvent): void {
    const label = `${event.name}${event.mode === "emulated" ? " (emulated)" : ""}`;
    switch (event.event) {
      case "start":
        this.running.set(event.vertex, { name: event.name, started: event.time, emulated: event.mode === "emulated", last: "" });
        return;
      case "cached":
        this.finished.push(`=> CACHED ${label}`);
        return;
      case "done":
      case "error": {
        const running = this.running.get(event.vertex);
        this.running.delete(event.vertex);
        const took = running === undefined ? "" : `  ${seconds(event.time - running.started)}`;
        this.finished.push(event.event === "done" ? `=> ${label}${took}` : `=> ERROR ${label}${took}: ${event.message ?? "failed"}`);
        return;
      }
    }
  }

  /** A line a running step printed. */
  output(vertex: string, line: string): void {
    const running = this.running.get(vertex);
    // A progress bar redraws with \r, and colours would bleed into the next line: keep the last state, as text.
    const text = (line.split("\r").at(-1) ?? "").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    if (running !== undefined && text.trim() !== "") running.last = text;
  }

  /** Lines to print for good since the last call. */
  takeFinished(): string[] {
    const lines = this.finished;
    this.finished = [];
    return lines;
  }

  /** The live area at `now` (seconds since the build started), cut to `width` columns. */
  live(now: number, width: number): string[] {
    const cut = (text: string): string => (text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text);
    return [...this.running.values()].flatMap((step) => {
      const head = cut(`=> ${step.name}${step.emulated ? " (emulated)" : ""}  ${seconds(now - step.started)}`);
      return step.last === "" ? [head] : [head, cut(`   ${step.last}`)];
    });
  }
}

const seconds = (value: number): string => `${Math.max(0, value).toFixed(1)}s`;
