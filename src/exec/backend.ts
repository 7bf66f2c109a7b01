/**
 * The seam between the scheduler and whatever really does the work. The
 * scheduler decides what runs when (each unique vertex once, inputs first,
 * at most `--jobs` at a time); a backend only knows how to do one vertex.
 */
import type { PlannedVertex } from "../plan/plan.js";

export interface Backend {
  /** Whether the vertex's result is already available (then it is not executed). */
  cached(vertex: PlannedVertex): Promise<boolean>;
  /** Does the vertex's work; rejects when it fails; stops early when `signal` aborts. */
  execute(vertex: PlannedVertex, signal: AbortSignal): Promise<void>;
}
