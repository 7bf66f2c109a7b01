/**
 * Progress events: what the scheduler reports while it works, and the form
 * `--progress json` prints (one object per line; schema: `dfc schema progress`).
 */
import { z } from "zod";
import type { PlannedVertex } from "../plan/plan.js";

export const progressEventSchema = z.object({
  event: z.enum(["start", "done", "cached", "error"]),
  vertex: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** Requested platforms whose build needs the vertex. */
  targets: z.array(z.string()),
  /** How an exec vertex runs; null for sources, file operations and merges. */
  mode: z.enum(["native", "cross", "emulated"]).nullable(),
  name: z.string(),
  /** Seconds since the build started (virtual seconds for the simulation). */
  time: z.number().nonnegative(),
  /** Why the vertex failed (only on `error`). */
  message: z.string().optional(),
});

export type ProgressEvent = z.output<typeof progressEventSchema>;
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
