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

/** Runs each step for its estimated cost in virtual seconds (a simulation is never cancelled), and notes when. */
class SimulatedBackend implements Backend {
  readonly timeline: TimelineEntry[] = [];

  constructor(private readonly clock: VirtualClock) {}

  cached(): Promise<boolean> {
    return Promise.resolve(false);
  }

  async execute(planned: PlannedVertex): Promise<void> {
    const start = this.clock.now();
    await this.clock.sleep(planned.cost);
    this.timeline.push({ planned, start, end: this.clock.now() });
  }
}

export async function simulateBuild(plan: Plan, options: { readonly jobs: number; readonly onEvent?: (event: ProgressEvent) => void }): Promise<Simulation> {
  const { result, wallTime, timeline } = await run(plan.vertices, options.jobs, options.onEvent);
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

async function run(
  vertices: readonly PlannedVertex[],
  jobs: number,
  onEvent?: (event: ProgressEvent) => void,
): Promise<{ result: ScheduleResult; wallTime: number; timeline: TimelineEntry[] }> {
  const clock = new VirtualClock();
  const backend = new SimulatedBackend(clock);
  const result = await schedule(vertices, backend, { jobs, now: clock.now, onEvent });
  return { result, wallTime: clock.now(), timeline: backend.timeline };
}
