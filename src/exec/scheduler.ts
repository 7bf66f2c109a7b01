/**
 * Runs a planned multi-target graph: every unique vertex once however many
 * targets need it, each after its inputs, at most `jobs` at a time.
 *
 * Failure policy (BuildKit's, minus cancelling running work): after the
 * first failure nothing new starts, steps already running finish (their
 * results stay in the backend's cache for the next build), and every
 * failure is reported. Aborting `signal` (SIGINT) works the same way and
 * also tells running steps to stop.
 */
import pLimit from "p-limit";
import type { Digest } from "../graph/ir.js";
import type { PlannedVertex } from "../plan/plan.js";
import type { Backend } from "./backend.js";
import { progressEvent, type ProgressEvent } from "./progress.js";

export interface ScheduleOptions {
  /** Steps that may run at once (at least 1). */
  readonly jobs: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ProgressEvent) => void;
  /** Seconds since the build started; the simulation passes its virtual clock. */
  readonly now?: () => number;
}

export interface VertexFailure {
  readonly vertex: PlannedVertex;
  readonly message: string;
}

export interface ScheduleResult {
  readonly executed: readonly Digest[];
  readonly cached: readonly Digest[];
  readonly failures: readonly VertexFailure[];
  /** Vertices that never ran because an input failed, the build stopped or it was cancelled. */
  readonly skipped: readonly Digest[];
  readonly cancelled: boolean;
}

type Outcome = "ok" | "failed" | "skipped";

/** `vertices` must list inputs before their users (a plan's order does). */
export async function schedule(vertices: readonly PlannedVertex[], backend: Backend, options: ScheduleOptions): Promise<ScheduleResult> {
  if (!Number.isInteger(options.jobs) || options.jobs < 1) throw new RangeError(`jobs must be a positive integer (got ${options.jobs})`);
  const started = performance.now();
  const now = options.now ?? (() => (performance.now() - started) / 1000);
  const emit = options.onEvent ?? (() => {});
  const limit = pLimit(options.jobs);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted === true) stop.abort();

  const executed: Digest[] = [];
  const cached: Digest[] = [];
  const failures: VertexFailure[] = [];
  const skipped: Digest[] = [];
  const outcomes = new Map<Digest, Promise<Outcome>>();

  const runOne = async (planned: PlannedVertex): Promise<Outcome> => {
    if (stop.signal.aborted) return "skipped";
    if (planned.mode === "unsupported") {
      const message = `no worker can run ${planned.vertex.kind === "exec" ? planned.vertex.platform : "this step"} (QEMU emulates CPUs, not operating systems)`;
      return fail(planned, message);
    }
    try {
      if (await backend.cached(planned)) {
        cached.push(planned.vertex.id);
        emit(progressEvent("cached", planned, now()));
        return "ok";
      }
      if (stop.signal.aborted) return "skipped";
      emit(progressEvent("start", planned, now()));
      await backend.execute(planned, stop.signal);
    } catch (error) {
      // A backend that cannot even look up its cache fails the step like one whose command fails.
      return fail(planned, error instanceof Error ? error.message : String(error));
    }
    executed.push(planned.vertex.id);
    emit(progressEvent("done", planned, now()));
    return "ok";
  };

  const fail = (planned: PlannedVertex, message: string): Outcome => {
    failures.push({ vertex: planned, message });
    emit(progressEvent("error", planned, now(), message));
    stop.abort();
    return "failed";
  };

  for (const planned of vertices) {
    const inputs = planned.vertex.inputs.map((input) => {
      const outcome = outcomes.get(input);
      if (outcome === undefined) throw new Error(`vertex ${planned.vertex.id} is listed before its input ${input}`);
      return outcome;
    });
    const outcome = Promise.all(inputs).then(async (results) => {
      const outcome = results.every((result) => result === "ok") ? await limit(() => runOne(planned)) : "skipped";
      if (outcome === "skipped") skipped.push(planned.vertex.id);
      return outcome;
    });
    outcomes.set(planned.vertex.id, outcome);
  }
  await Promise.all(outcomes.values());
  options.signal?.removeEventListener("abort", onAbort);
  return { executed, cached, failures, skipped, cancelled: options.signal?.aborted === true };
}
