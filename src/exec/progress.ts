/**
 * Progress events: what the scheduler reports while it works, and the form
 * `--progress json` prints (one object per line).
 */
import type { Digest } from "../graph/ir.js";
import type { PlannedVertex } from "../plan/plan.js";

/** One line of `--progress json` (schema: progress-schema.ts, `dfc schema progress`). */
export interface ProgressEvent {
  readonly event: "start" | "done" | "cached" | "error";
  readonly vertex: Digest;
  /** Requested platforms whose build needs the vertex. */
  readonly targets: string[];
  /** How an exec vertex runs; null for sources, file operations and merges. */
  readonly mode: "native" | "cross" | "emulated" | null;
  readonly name: string;
  /** Seconds since the build started (virtual seconds for the simulation). */
  readonly time: number;
  /** Why the vertex failed (only on `error`). */
  readonly message?: string;
}

export type ProgressKind = ProgressEvent["event"];

export function progressEvent(kind: ProgressKind, planned: PlannedVertex, time: number, message?: string): ProgressEvent {
  return {
    event: kind,
    vertex: planned.vertex.id,
    targets: [...planned.targets],
    // An unsupported step never starts (it fails first), so it has no mode to report.
    mode: planned.mode === "unsupported" ? null : planned.mode,
    name: displayName(planned),
    time: Math.round(time * 1000) / 1000,
    ...(message === undefined ? {} : { message }),
  };
}

/** BuildKit's progress name with the platform in front for steps made per platform: `[linux/arm64 builder 2/5] RUN …`. */
export function displayName(planned: PlannedVertex): string {
  const { vertex, meta } = planned;
  if (vertex.kind !== "exec" || !meta.name.startsWith("[")) return meta.name;
  return `[${vertex.platform} ${meta.name.slice(1)}`;
}
