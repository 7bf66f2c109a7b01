import { describe, expect, it } from "vitest";
import { LiveProgress } from "../../src/emit/progress-tty.js";
import type { ProgressEvent } from "../../src/exec/progress.js";

const event = (kind: ProgressEvent["event"], vertex: ProgressEvent["vertex"], name: string, time: number, extra: Partial<ProgressEvent> = {}): ProgressEvent => ({
  event: kind,
  vertex,
  targets: ["linux/arm64"],
  mode: null,
  name,
  time,
  ...extra,
});

describe("LiveProgress (--progress tty)", () => {
  it("shows running steps live with their time and last output line, and finished ones for good", () => {
    const view = new LiveProgress();
    view.event(event("cached", "sha256:a", "[stage-0 1/3] FROM docker.io/library/alpine:3.20", 0));
    view.event(event("start", "sha256:b", "[linux/arm64 stage-0 2/3] RUN make", 1, { mode: "emulated" }));
    view.output("sha256:b", "compiling main.c");
    view.output("sha256:b", "   ");
    view.output("sha256:c", "not running");
    expect(view.takeFinished()).toEqual(["=> CACHED [stage-0 1/3] FROM docker.io/library/alpine:3.20"]);
    expect(view.live(3.5, 200)).toEqual(["=> [linux/arm64 stage-0 2/3] RUN make (emulated)  2.5s", "   compiling main.c"]);
    view.event(event("done", "sha256:b", "[linux/arm64 stage-0 2/3] RUN make", 4, { mode: "emulated" }));
    expect(view.live(4, 200)).toEqual([]);
    expect(view.takeFinished()).toEqual(["=> [linux/arm64 stage-0 2/3] RUN make (emulated)  3.0s"]);
    expect(view.takeFinished()).toEqual([]);
  });

  it("shows the last state of a line redrawn with carriage returns, without colours", () => {
    const view = new LiveProgress();
    view.event(event("start", "sha256:d", "[stage-0 2/2] RUN curl -O x", 0));
    view.output("sha256:d", "\x1b[32m 10%\x1b[0m\r 50%\r 90%");
    expect(view.live(1, 200)).toEqual(["=> [stage-0 2/2] RUN curl -O x  1.0s", "    90%"]);
  });

  it("reports a failed step with its message, and cuts live lines to the terminal width", () => {
    const view = new LiveProgress();
    view.event(event("start", "sha256:c", "[stage-0 2/2] RUN a-very-long-command-line-that-does-not-fit", 0));
    expect(view.live(1, 20)).toEqual(["=> [stage-0 2/2] RU…"]);
    view.event(event("error", "sha256:c", "[stage-0 2/2] RUN a-very-long-command-line-that-does-not-fit", 2, { message: "exit code 1" }));
    expect(view.takeFinished()).toEqual(["=> ERROR [stage-0 2/2] RUN a-very-long-command-line-that-does-not-fit  2.0s: exit code 1"]);
  });
});
