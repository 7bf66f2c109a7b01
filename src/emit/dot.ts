/**
 * The merged build graph in Graphviz DOT: one cluster per stage, edges from
 * inputs to the steps that use them; shared vertices are drawn bold, emulated
 * ones filled orange, cross-compiled ones filled blue.
 */
import type { Plan, PlannedVertex } from "../plan/plan.js";

const quote = (text: string): string => `"${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
const short = (id: string): string => id.slice("sha256:".length, "sha256:".length + 12);

function label(planned: PlannedVertex): string {
  const name = planned.meta.name.replace(/^\[[^\]]*\]\s*/, "");
  const clipped = name.length > 48 ? `${name.slice(0, 47)}…` : name;
  const platforms = planned.targets.length > 1 ? `shared ×${planned.targets.length}` : planned.targets.join(",");
  return `${clipped}\n${platforms}${planned.mode === null ? "" : ` · ${planned.mode}`}`;
}

function style(planned: PlannedVertex): string {
  const attributes = [`label=${quote(label(planned))}`, `shape=${planned.vertex.kind === "source" ? "cylinder" : planned.vertex.kind === "merge" ? "diamond" : "box"}`];
  if (planned.targets.length > 1) attributes.push("penwidth=2.5");
  if (planned.mode === "emulated") attributes.push('style=filled', 'fillcolor="#f6c177"');
  if (planned.mode === "cross") attributes.push('style=filled', 'fillcolor="#9ccfd8"');
  return attributes.join(", ");
}

export function renderDot(plan: Plan): string {
  const lines = ["digraph dfc {", "  rankdir=LR;", '  node [fontname="monospace", fontsize=10];'];
  const byStage = new Map<string, PlannedVertex[]>();
  for (const planned of plan.vertices) {
    const stage = planned.meta.stage ?? "";
    byStage.set(stage, [...(byStage.get(stage) ?? []), planned]);
  }
  let cluster = 0;
  for (const [stage, vertices] of byStage) {
    const indent = stage === "" ? "  " : "    ";
    if (stage !== "") lines.push(`  subgraph cluster_${cluster++} {`, `    label=${quote(`stage ${stage}`)};`);
    for (const planned of vertices) lines.push(`${indent}${quote(short(planned.vertex.id))} [${style(planned)}];`);
    if (stage !== "") lines.push("  }");
  }
  for (const planned of plan.vertices) {
    for (const input of planned.vertex.inputs) lines.push(`  ${quote(short(input))} -> ${quote(short(planned.vertex.id))};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
