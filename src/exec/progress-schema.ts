/**
 * The zod schema of a progress event (`dfc schema progress`), kept apart
 * from progress.ts so that `dfc build` does not load zod to print events.
 * The check at the end fails to compile if it and the type drift apart.
 */
import { z } from "zod";
import { digestSchema, type Same } from "../graph/schema.js";
import type { ProgressEvent } from "./progress.js";

export const progressEventSchema = z.object({
  event: z.enum(["start", "done", "cached", "error"]),
  vertex: digestSchema,
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

const typesAgree: Same<z.output<typeof progressEventSchema>, ProgressEvent> = true;
void typesAgree;
