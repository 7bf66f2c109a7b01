import fc from "fast-check";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../src/exec/backend.js";
import { progressEventSchema } from "../../src/exec/progress-schema.js";
import type { ProgressEvent } from "../../src/exec/progress.js";
import { schedule, type ScheduleResult } from "../../src/exec/scheduler.js";
import type { Digest } from "../../src/graph/ir.js";
import type { Plan, PlannedVertex } from "../../src/plan/plan.js";
import { loadScenario, planScenario, planText, scenariosDir, stepText } from "../plan/helpers.js";

/** A backend that records what ran, with real (short) delays so steps overlap. */
class RecordingBackend implements Backend {
  readonly started: Digest[] = [];
  readonly finished: Digest[] = [];
  /** What had finished when each step started. */
  readonly finishedBefore = new Map<Digest, ReadonlySet<Digest>>();
  running = 0;
  maxRunning = 0;

  constructor(
    private readonly options: { fail?: (planned: PlannedVertex) => boolean; cached?: (planned: PlannedVertex) => boolean; delayMs?: (planned: PlannedVertex) => number } = {},
  ) {}

  cached(planned: PlannedVertex): Promise<boolean> {
    return Promise.resolve(this.options.cached?.(planned) ?? false);
  }

  async execute(planned: PlannedVertex, signal: AbortSignal): Promise<void> {
    this.started.push(planned.vertex.id);
    this.finishedBefore.set(planned.vertex.id, new Set(this.finished));
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    // Like a real step, a running one stops when the build is cancelled.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, this.options.delayMs?.(planned) ?? 1);
      signal.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("cancelled"))), { once: true });
    });
    this.running--;
    if (this.options.fail?.(planned) === true) throw new Error(`boom in ${stepText(planned)}`);
    this.finished.push(planned.vertex.id);
  }
}

const scenarios = readdirSync(scenariosDir).map(loadScenario);
const sharedBuilder = (): Plan => planScenario(loadScenario("02-shared-builder"));

/** Every vertex ends up in exactly one of executed, cached, failed, skipped. */
function expectPartition(plan: Plan, result: ScheduleResult): void {
  const all = [...result.executed, ...result.cached, ...result.failures.map((failure) => failure.vertex.vertex.id), ...result.skipped];
  expect(all.sort()).toEqual(plan.vertices.map((planned) => planned.vertex.id).sort());
}

describe("schedule", () => {
  it("runs each unique vertex of a three-target plan once, inputs first", async () => {
    const plan = sharedBuilder();
    const backend = new RecordingBackend();
    const events: ProgressEvent[] = [];
    const result = await schedule(plan.vertices, backend, { jobs: 4, onEvent: (event) => events.push(event) });

    expect(result.failures).toEqual([]);
    expect(backend.started.length).toBe(plan.vertices.length);
    expect(new Set(backend.started).size).toBe(plan.vertices.length);
    const shared = plan.vertices.filter((planned) => planned.targets.length === 3);
    expect(shared.length).toBeGreaterThan(3);
    for (const planned of plan.vertices) {
      const done = backend.finishedBefore.get(planned.vertex.id);
      for (const input of planned.vertex.inputs) expect(done?.has(input)).toBe(true);
    }
    expect(events.filter((event) => event.event === "start")).toHaveLength(plan.vertices.length);
    expect(events.filter((event) => event.event === "done")).toHaveLength(plan.vertices.length);
    for (const event of events) expect(progressEventSchema.parse(event)).toEqual(event);
  });

  it("never runs more than --jobs steps at once, and does run independent steps together", async () => {
    const stages = Array.from({ length: 6 }, (_, index) => index);
    const text = [...stages.map((index) => `FROM alpine AS s${index}\nRUN echo ${index}`), "FROM scratch", ...stages.map((index) => `COPY --from=s${index} / /${index}`)].join("\n");
    const plan = planText(text, { platforms: ["linux/amd64"] });
    for (const jobs of [1, 2, 3]) {
      const backend = new RecordingBackend({ delayMs: () => 5 });
      await schedule(plan.vertices, backend, { jobs });
      expect(backend.maxRunning).toBe(jobs);
    }
  });

  it("after a failure starts nothing new, lets running steps finish and skips the failed step's dependants", async () => {
    const plan = planText("FROM alpine AS slow\nRUN sleep 1\nRUN echo after-slow\n\nFROM alpine AS fast\nRUN false\nRUN echo never\n\nFROM scratch\nCOPY --from=slow / /\nCOPY --from=fast / /\n", { platforms: ["linux/amd64"] });
    const backend = new RecordingBackend({
      fail: (planned) => stepText(planned) === "RUN false",
      delayMs: (planned) => (stepText(planned) === "RUN sleep 1" ? 40 : 1),
    });
    const result = await schedule(plan.vertices, backend, { jobs: 4 });

    expect(result.failures.map((failure) => [stepText(failure.vertex), failure.message])).toEqual([["RUN false", "boom in RUN false"]]);
    expect(result.failures[0]?.vertex.meta.location?.start.line).toBe(6);
    const names = (ids: readonly Digest[]): string[] => ids.map((id) => stepText(plan.vertices.find((planned) => planned.vertex.id === id) as PlannedVertex));
    // The slow sibling was running when the failure came: it finishes and is kept.
    expect(names(result.executed)).toContain("RUN sleep 1");
    expect(names(result.skipped)).toEqual(expect.arrayContaining(["RUN echo never", "RUN echo after-slow"]));
    expect(result.cancelled).toBe(false);
    expectPartition(plan, result);
  });

  it("reports a step no worker can run as a failure without executing it", async () => {
    const plan = planText("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN dir\n", { platforms: ["windows/amd64"] });
    const backend = new RecordingBackend();
    const result = await schedule(plan.vertices, backend, { jobs: 2 });
    expect(result.failures.map((failure) => failure.message)).toEqual(["no worker can run windows/amd64 (QEMU emulates CPUs, not operating systems)"]);
    expect(backend.started.every((id) => plan.vertices.find((planned) => planned.vertex.id === id)?.vertex.kind !== "exec")).toBe(true);
  });

  it("does not execute cached vertices and reports them as cached", async () => {
    const plan = sharedBuilder();
    const backend = new RecordingBackend({ cached: () => true });
    const events: ProgressEvent[] = [];
    const result = await schedule(plan.vertices, backend, { jobs: 2, onEvent: (event) => events.push(event) });
    expect(backend.started).toEqual([]);
    expect(result.cached).toHaveLength(plan.vertices.length);
    expect(new Set(events.map((event) => event.event))).toEqual(new Set(["cached"]));
  });

  it("cancels: the running step stops, nothing new starts", async () => {
    const plan = sharedBuilder();
    const controller = new AbortController();
    // Steps that would outlast the test's timeout: the schedule only ends because the running one is stopped.
    const backend = new RecordingBackend({ delayMs: () => 60_000 });
    const pending = schedule(plan.vertices, backend, { jobs: 1, signal: controller.signal });
    setTimeout(() => controller.abort(), 7);
    const result = await pending;
    expect(result.cancelled).toBe(true);
    expect(backend.started).toHaveLength(1);
    expect(backend.finished).toEqual([]);
    expect(result.failures.map((failure) => [failure.vertex.vertex.id, failure.message])).toEqual([[backend.started[0], "cancelled"]]);
    expect(result.skipped).toHaveLength(plan.vertices.length - 1);
    expectPartition(plan, result);
  });

  it("fails a step whose cache lookup fails, like any other failure", async () => {
    const plan = sharedBuilder();
    const backend = new RecordingBackend();
    backend.cached = (planned) => (planned.vertex.kind === "exec" ? Promise.reject(new Error("cache unreadable")) : Promise.resolve(false));
    const result = await schedule(plan.vertices, backend, { jobs: 1 });
    expect(result.failures.map((failure) => [stepText(failure.vertex), failure.message])).toEqual([["RUN npm ci", "cache unreadable"]]);
    expectPartition(plan, result);
  });

  it("refuses vertices listed before their inputs instead of waiting forever", async () => {
    const reversed = [...sharedBuilder().vertices].reverse();
    await expect(schedule(reversed, new RecordingBackend(), { jobs: 1 })).rejects.toThrow(/is listed before its input/);
  });

  it("rejects a job count below one", async () => {
    await expect(schedule([], new RecordingBackend(), { jobs: 0 })).rejects.toThrow(RangeError);
  });

  it("property: whatever fails and whatever --jobs, no step runs before its inputs succeeded and every vertex is accounted for", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: scenarios.length - 1 }), fc.integer({ min: 1, max: 6 }), fc.nat(), async (which, jobs, pick) => {
        const plan = planScenario(scenarios[which] as (typeof scenarios)[number]);
        const failing = plan.vertices[pick % plan.vertices.length]?.vertex.id;
        const backend = new RecordingBackend({ fail: (planned) => planned.vertex.id === failing, delayMs: () => 0 });
        const result = await schedule(plan.vertices, backend, { jobs });
        expectPartition(plan, result);
        expect(backend.maxRunning).toBeLessThanOrEqual(jobs);
        const succeeded = new Set([...result.executed, ...result.cached]);
        for (const id of backend.started) {
          const planned = plan.vertices.find((candidate) => candidate.vertex.id === id) as PlannedVertex;
          for (const input of planned.vertex.inputs) expect(succeeded.has(input)).toBe(true);
        }
      }),
      // Shrinking and seeds vary; the examples below pin every scenario at least once.
      { numRuns: 40, examples: scenarios.map((_, which) => [which, 2, which] as [number, number, number]) },
    );
  });
});
