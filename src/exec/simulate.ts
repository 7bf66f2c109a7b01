/**
 * The `simulate` backend: runs the plan through the real scheduler with
 * nothing executed, each step taking its cost-model estimate in virtual
 * seconds. The result is the build's timeline for a given `--jobs`, and the
 * same build done the way dedup avoids: each requested platform built on
 * its own, one after the other.
 */
import type { Plan, PlannedVertex } from "../plan/plan.js";
import type { Backend } from "./backend.js";
import type { ProgressEvent } from "./progress.js";
import { schedule, type ScheduleResult } from "./scheduler.js";
import { VirtualClock } from "./virtual-clock.js";

export interface TimelineEntry {
  readonly planned: PlannedVertex;
  readonly start: number;
  readonly end: number;
}

export interface Simulation {
  readonly jobs: number;
  /** Steps in the order they started. */
  readonly timeline: readonly TimelineEntry[];
  readonly result: ScheduleResult;
  /** Virtual seconds until the last step ended. */
  readonly wallTime: number;
  /** Wall time of each requested platform built alone, without sharing anything. */
  readonly separate: readonly { readonly platform: string; readonly wallTime: number }[];
  readonly separateWallTime: number;
}

class SimulatedBackend implements Backend {
  constructor(private readonly clock: VirtualClock) {}

  cached(): Promise<boolean> {
    return Promise.resolve(false);
  }

  execute(planned: PlannedVertex, signal: AbortSignal): Promise<void> {
    return this.clock.sleep(planned.cost, signal);
  }
}

export async function simulateBuild(plan: Plan, options: { readonly jobs: number; readonly onEvent?: (event: ProgressEvent) => void }): Promise<Simulation> {
  const starts = new Map<string, number>();
  const timeline: TimelineEntry[] = [];
  const byId = new Map<string, PlannedVertex>(plan.vertices.map((planned) => [planned.vertex.id, planned]));
  const record = (event: ProgressEvent): void => {
    options.onEvent?.(event);
    if (event.event === "start") starts.set(event.vertex, event.time);
    const planned = byId.get(event.vertex);
    if (event.event === "done" && planned !== undefined) timeline.push({ planned, start: starts.get(event.vertex) ?? event.time, end: event.time });
  };
  const { result, wallTime } = await run(plan.vertices, options.jobs, record);
  timeline.sort((a, b) => a.start - b.start || a.end - b.end);

  const platforms = [...new Set(plan.vertices.flatMap((planned) => planned.targets))].sort();
  const separate = [];
  for (const platform of platforms) {
    const own = plan.vertices.filter((planned) => planned.targets.includes(platform));
    separate.push({ platform, wallTime: (await run(own, options.jobs)).wallTime });
  }
  return {
    jobs: options.jobs,
    timeline,
    result,
    wallTime,
    separate,
    separateWallTime: separate.reduce((sum, build) => sum + build.wallTime, 0),
  };
}

async function run(vertices: readonly PlannedVertex[], jobs: number, onEvent?: (event: ProgressEvent) => void): Promise<{ result: ScheduleResult; wallTime: number }> {
  const clock = new VirtualClock();
  const result = await schedule(vertices, new SimulatedBackend(clock), { jobs, now: clock.now, onEvent });
  return { result, wallTime: clock.now() };
}
