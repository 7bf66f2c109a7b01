/**
 * `dfc build --dry-run` for people: the simulated timeline (when each step
 * starts and ends with `--jobs` slots), then what dedup saves in wall time
 * and whether steps that cannot run stopped it. Fits 80 columns.
 */
import { displayName } from "../exec/progress.js";
import type { Simulation } from "../exec/simulate.js";
import type { Plan } from "../plan/plan.js";
import { clip, paint, targetsLabel, withoutRunFlags } from "./text-style.js";

const seconds = (value: number): string => `${value.toFixed(1)} s`;

export function renderTimelineText(plan: Plan, simulation: Simulation, color = false): string {
  const platforms = simulation.separate.map((build) => build.platform);
  const out = [
    `Simulated build for ${platforms.join(", ")} with ${simulation.jobs} job${simulation.jobs === 1 ? "" : "s"}`,
    "(nothing executed; each step takes its cost-model estimate, in virtual seconds)",
    "",
    paint(color, "1", "  start    end  target     mode     step"),
  ];
  for (const { planned, start, end } of simulation.timeline) {
    const mode = planned.mode === "emulated" ? paint(color, "33", "emulated") : (planned.mode ?? "").padEnd(8);
    const target = clip(targetsLabel(planned.targets, platforms.length), 10).padEnd(10);
    out.push(`${start.toFixed(1).padStart(7)} ${end.toFixed(1).padStart(6)}  ${target} ${mode} ${clip(withoutRunFlags(displayName(planned)), 44)}`);
  }

  const longer = simulation.wallTime === 0 ? 1 : simulation.separateWallTime / simulation.wallTime;
  const path = plan.summary.criticalPath;
  out.push(
    "",
    paint(color, "1", "Summary"),
    `  wall time      ${seconds(simulation.wallTime)} building the targets together (shared steps once)`,
    `                 ${seconds(simulation.separateWallTime)} building each on its own, one after another (${longer.toFixed(2)}×)`,
    ...simulation.separate.map((build) => `                   ${build.platform.padEnd(16)} ${seconds(build.wallTime)}`),
    `  critical path  ${seconds(path.cost)} over ${path.vertices.length} step${path.vertices.length === 1 ? "" : "s"} (the floor with unlimited jobs)`,
    `  total work     ${seconds(plan.summary.cost)} (each target on its own: ${seconds(plan.summary.costWithoutDedup)})`,
  );
  const { failures, skipped } = simulation.result;
  if (failures.length > 0) {
    // The failures themselves go to stderr with their source lines; here only what they cost the timeline.
    out.push(paint(color, "31", `  stopped        by ${failures.length} step${failures.length === 1 ? "" : "s"} that cannot run; ${skipped.length} not simulated`));
  }
  return `${out.join("\n")}\n`;
}
