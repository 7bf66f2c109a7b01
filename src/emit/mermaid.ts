/**
 * The merged build graph as a Mermaid flowchart: one subgraph per stage;
 * shared, emulated and cross-compiled vertices get their own classes.
 */
import type { Plan, PlannedVertex } from "../plan/plan.js";

const id = (digest: string): string => `v${digest.slice("sha256:".length, "sha256:".length + 12)}`;
// Mermaid labels are quoted; `"` and `#` must be written as entities.
const text = (value: string): string => value.replace(/#/g, "#35;").replace(/"/g, "#quot;");

function label(planned: PlannedVertex): string {
  const name = planned.meta.name.replace(/^\[[^\]]*\]\s*/, "");
  const clipped = name.length > 48 ? `${name.slice(0, 47)}…` : name;
  const platforms = planned.targets.length > 1 ? `shared ×${planned.targets.length}` : planned.targets.join(",");
  return text(`${clipped}<br/>${platforms}${planned.mode === null ? "" : ` · ${planned.mode}`}`);
}

export function renderMermaid(plan: Plan): string {
  const lines = ["flowchart LR"];
  const byStage = new Map<string, PlannedVertex[]>();
  for (const planned of plan.vertices) {
    const stage = planned.meta.stage ?? "";
    byStage.set(stage, [...(byStage.get(stage) ?? []), planned]);
  }
  let index = 0;
  for (const [stage, vertices] of byStage) {
    const indent = stage === "" ? "  " : "    ";
    if (stage !== "") lines.push(`  subgraph s${index++}["stage ${text(stage)}"]`);
    for (const planned of vertices) lines.push(`${indent}${id(planned.vertex.id)}["${label(planned)}"]`);
    if (stage !== "") lines.push("  end");
  }
  for (const planned of plan.vertices) {
    for (const input of planned.vertex.inputs) lines.push(`  ${id(input)} --> ${id(planned.vertex.id)}`);
  }
  const classed = (name: string, test: (planned: PlannedVertex) => boolean): void => {
    const members = plan.vertices.filter(test).map((planned) => id(planned.vertex.id));
    if (members.length > 0) lines.push(`  class ${members.join(",")} ${name}`);
  };
  lines.push("  classDef shared stroke-width:3px", "  classDef emulated fill:#f6c177", "  classDef cross fill:#9ccfd8");
  classed("shared", (planned) => planned.targets.length > 1);
  classed("emulated", (planned) => planned.mode === "emulated");
  classed("cross", (planned) => planned.mode === "cross");
  return `${lines.join("\n")}\n`;
}
