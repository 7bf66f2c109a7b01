/**
 * `dfc plan` for people: stage by stage, each step once with the targets
 * that need it, how it runs and what it costs; then a summary. Fits 80
 * columns; colour only when asked (the CLI asks on a terminal).
 */
import type { Plan, PlannedVertex } from "../plan/plan.js";
import { clip, paint, targetsLabel, withoutRunFlags } from "./text-style.js";

interface Row {
  readonly stage: string;
  readonly name: string;
  readonly mode: string;
  readonly vertices: PlannedVertex[];
}

/** Steps that are one instruction built per target appear as one row. */
function rows(plan: Plan): Row[] {
  const byKey = new Map<string, Row>();
  for (const planned of plan.vertices) {
    const stage = planned.meta.stage ?? "(build context)";
    const mode = planned.mode === null ? "" : planned.mode + (planned.compatible ? "*" : "");
    const key = `${stage}\u0000${planned.meta.name}\u0000${mode}`;
    const row = byKey.get(key);
    if (row === undefined) byKey.set(key, { stage, name: planned.meta.name, mode, vertices: [planned] });
    else row.vertices.push(planned);
  }
  // Stage by stage in Dockerfile order (the build context first), steps in source order within each.
  const order = (stage: string): number => plan.stages.get(stage)?.[0]?.index ?? -1;
  const line = (row: Row): number => row.vertices[0]?.meta.location?.start.line ?? 0;
  return [...byKey.values()].sort((a, b) => order(a.stage) - order(b.stage) || line(a) - line(b));
}

function rowLabel(row: Row, all: readonly string[]): string {
  if (row.vertices.length > 1) return `each ×${row.vertices.length}`;
  return targetsLabel(row.vertices[0]?.targets ?? [], all.length);
}

export function renderPlanText(plan: Plan, color = false): string {
  const all = [...new Set(plan.targets.flatMap((target) => target.publishedAs))];
  const out: string[] = [];
  out.push(paint(color, "1", `Plan for ${all.length} target${all.length === 1 ? "" : "s"}`) + `, build platform ${plan.buildPlatform}, workers ${plan.workers.join(", ")}`);
  for (const target of plan.targets) {
    const published = target.publishedAs.length > 1 || target.publishedAs[0] !== target.platform ? `  (published as ${target.publishedAs.join(", ")})` : "";
    out.push(`  ${target.platform.padEnd(16)} stage ${target.stage}${target.configKnown ? "" : ", base image config unknown (offline)"}${published}`);
  }
  let stage = "";
  for (const row of rows(plan)) {
    if (row.stage !== stage) {
      stage = row.stage;
      const compiled = plan.stages.get(stage) ?? [];
      const where =
        compiled.length > 0 && compiled.every((info) => info.pinnedToBuild)
          ? `  on ${plan.buildPlatform} (pinned to the build platform)`
          : compiled.length > 0 && compiled.every((info) => info.platformSource === "base-stage")
            ? "  on its base stage's platform"
            : "";
      out.push("", paint(color, "1", `stage ${stage}`) + where);
    }
    const cost = row.vertices.reduce((sum, planned) => sum + planned.cost, 0);
    const mode = row.mode === "emulated" || row.mode === "unsupported" ? paint(color, "33", row.mode.padEnd(11)) : row.mode.padEnd(11);
    const label = rowLabel(row, all).padEnd(14);
    const name = withoutRunFlags(row.name.replace(/^\[[^\]]*\]\s*/, ""));
    out.push(`  ${label} ${mode} ${cost.toFixed(1).padStart(6)}  ${clip(name, 44)}`);
  }
  const { summary } = plan;
  const unsupported = plan.vertices.filter((planned) => planned.mode === "unsupported").length;
  const saving = summary.costWithoutDedup - summary.cost;
  const percent = summary.costWithoutDedup === 0 ? 0 : Math.round((100 * saving) / summary.costWithoutDedup);
  out.push(
    "",
    paint(color, "1", "Summary"),
    `  vertices       ${summary.vertices} (${summary.shared} shared by several targets, built once)`,
    `  exec steps     ${summary.emulated} emulated (QEMU), ${summary.cross} cross-compiled on ${plan.buildPlatform}${unsupported > 0 ? `, ${unsupported} with no worker of their OS` : ""}`,
    `  estimated cost ${summary.cost.toFixed(1)} (each target on its own: ${summary.costWithoutDedup.toFixed(1)}; dedup saves ${percent}%)`,
    `  critical path  ${summary.criticalPath.cost.toFixed(1)} over ${summary.criticalPath.vertices.length} step${summary.criticalPath.vertices.length === 1 ? "" : "s"}`,
    `  (* runs natively on a compatible worker; costs in the model's rough seconds)`,
  );
  return `${out.join("\n")}\n`;
}
