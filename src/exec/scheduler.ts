/**
 * Runs a planned multi-target graph: every unique vertex once however many
 * targets need it, each after its inputs, at most `jobs` at a time.
 *
 * When a slot frees, the ready step with the most estimated work still
 * ahead of it (its own cost plus its costliest chain of users) goes first:
 * starting the critical path early is what keeps the build short. p-limit
 * only bounds how many run; which one a slot takes is decided when it frees.
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
  /** What the backend threw, for reports that show more than the message (a failed step's output). */
  readonly error?: unknown;
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
  const { users, waitingFor } = dependencies(vertices);
  const limit = pLimit(options.jobs);
  const stop = new AbortController();
  const cancel = options.signal ?? new AbortController().signal;
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted === true) stop.abort();

  const executed: Digest[] = [];
  const cached: Digest[] = [];
  const failures: VertexFailure[] = [];
  const skipped: Digest[] = [];

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
      // Only cancelling the build stops running steps; a failure elsewhere lets them finish.
      await backend.execute(planned, cancel);
    } catch (error) {
      // A backend that cannot even look up its cache fails the step like one whose command fails.
      return fail(planned, error instanceof Error ? error.message : String(error), error);
    }
    executed.push(planned.vertex.id);
    emit(progressEvent("done", planned, now()));
    return "ok";
  };

  const fail = (planned: PlannedVertex, message: string, error?: unknown): Outcome => {
    failures.push({ vertex: planned, message, ...(error === undefined ? {} : { error }) });
    emit(progressEvent("error", planned, now(), message));
    stop.abort();
    return "failed";
  };

  // Readiness is tracked synchronously (Kahn's algorithm): when a step settles,
  // the steps it unblocks join the ready queue before its slot is handed on,
  // so the slot's next pick sees them.
  const ready = new ReadyQueue(remainingWork(vertices));
  const settled = new Set<Digest>();
  let unsettled = vertices.length;
  let finished = (): void => {};
  const allSettled = new Promise<void>((resolve) => (finished = resolve));

  const makeReady = (planned: PlannedVertex): void => {
    ready.push(planned);
    void limit(runSlot);
  };
  const settle = (planned: PlannedVertex, outcome: Outcome): void => {
    if (settled.has(planned.vertex.id)) return;
    settled.add(planned.vertex.id);
    if (outcome === "skipped") skipped.push(planned.vertex.id);
    for (const user of users.get(planned.vertex.id) ?? []) {
      if (outcome !== "ok") settle(user, "skipped");
      else {
        const waiting = (waitingFor.get(user.vertex.id) ?? 1) - 1;
        waitingFor.set(user.vertex.id, waiting);
        if (waiting === 0 && !settled.has(user.vertex.id)) makeReady(user);
      }
    }
    if (--unsettled === 0) finished();
  };
  // One slot per ready vertex; the slot takes the most urgent ready vertex, not necessarily that one.
  async function runSlot(): Promise<void> {
    const next = ready.pop();
    if (next === undefined) return;
    try {
      settle(next, await runOne(next));
    } catch (error) {
      // Only a throwing onEvent gets here; the step still counts as failed so the build ends.
      failures.push({ vertex: next, message: error instanceof Error ? error.message : String(error) });
      stop.abort();
      settle(next, "failed");
    }
  }

  if (unsettled === 0) finished();
  for (const planned of vertices) if (waitingFor.get(planned.vertex.id) === 0) makeReady(planned);
  await allSettled;
  options.signal?.removeEventListener("abort", onAbort);
  return { executed, cached, failures, skipped, cancelled: options.signal?.aborted === true };
}

/** Who uses each vertex, and how many distinct inputs each waits for; checks that inputs come first. */
function dependencies(vertices: readonly PlannedVertex[]): { users: Map<Digest, PlannedVertex[]>; waitingFor: Map<Digest, number> } {
  const users = new Map<Digest, PlannedVertex[]>();
  const waitingFor = new Map<Digest, number>();
  for (const planned of vertices) {
    const inputs = new Set(planned.vertex.inputs);
    for (const input of inputs) {
      if (!waitingFor.has(input)) throw new Error(`vertex ${planned.vertex.id} is listed before its input ${input}`);
      const list = users.get(input);
      if (list === undefined) users.set(input, [planned]);
      else list.push(planned);
    }
    waitingFor.set(planned.vertex.id, inputs.size);
  }
  return { users, waitingFor };
}

/** Each vertex's cost plus the costliest chain of vertices that need it (inputs come before users). */
function remainingWork(vertices: readonly PlannedVertex[]): Map<Digest, number> {
  const ahead = new Map<Digest, number>();
  const work = new Map<Digest, number>();
  for (let index = vertices.length - 1; index >= 0; index--) {
    const planned = vertices[index] as PlannedVertex;
    const total = planned.cost + (ahead.get(planned.vertex.id) ?? 0);
    work.set(planned.vertex.id, total);
    for (const input of planned.vertex.inputs) ahead.set(input, Math.max(ahead.get(input) ?? 0, total));
  }
  return work;
}

/** Ready vertices, most remaining work first; equal work in the order they became ready. */
class ReadyQueue {
  // Sorted so that the next vertex to run is last (pop is cheap); `arrival` breaks ties.
  readonly #items: { planned: PlannedVertex; work: number; arrival: number }[] = [];
  #arrivals = 0;

  constructor(private readonly work: ReadonlyMap<Digest, number>) {}

  push(planned: PlannedVertex): void {
    const item = { planned, work: this.work.get(planned.vertex.id) ?? 0, arrival: this.#arrivals++ };
    const before = (other: typeof item): boolean => other.work < item.work || (other.work === item.work && other.arrival > item.arrival);
    let low = 0;
    let high = this.#items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(this.#items[middle] as typeof item)) low = middle + 1;
      else high = middle;
    }
    this.#items.splice(low, 0, item);
  }

  pop(): PlannedVertex | undefined {
    return this.#items.pop()?.planned;
  }
}
