/**
 * EmulatedCompilation: a compiler runs under QEMU emulation for some target
 * although its toolchain can cross-compile.
 *
 * Without a worker of the target's architecture, BuildKit runs the target's
 * RUN steps under QEMU user emulation, several times slower than native;
 * for compilers that is where a 4-minute build becomes a 40-minute one. Go,
 * Rust, .NET, Zig and C (with a cross compiler or xx) can build for another
 * architecture natively: run the stage on the build platform and pass the
 * target. The plan says which vertices are emulated and what they cost.
 */
import type { Vertex } from "../../graph/ir.js";
import { formatPlatform, parsePlatform } from "../../platform/index.js";
import { DEFAULT_COST_MODEL, vertexCost } from "../../plan/cost.js";
import type { LintContext } from "../context.js";
import type { Rule } from "../rule.js";
import { instructionText, instructionUses, scriptsOf } from "./support-scripts.js";
import { windowsOnLinux } from "./support-stages.js";
import { archConditional, compileCalls, MAY_COMPILE, type Toolchain } from "./support-toolchain.js";

export const EmulatedCompilation: Rule = {
  name: "EmulatedCompilation",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "A compiler step runs under emulation for a requested platform although its toolchain can cross-compile from $BUILDPLATFORM.",
  check(context: LintContext): void {
    const plan = context.plan;
    if (plan === null) return;
    const byOffset = new Map(context.instructions.filter((instruction) => instruction.kind === "RUN").map((instruction) => [instruction.range.start.offset, instruction]));
    const emulated = new Map<number, { vertex: Vertex; cost: number; targets: readonly string[] }[]>();
    for (const planned of plan.vertices) {
      if (planned.mode !== "emulated" || planned.vertex.kind !== "exec") continue;
      const offset = planned.meta.location?.start.offset;
      if (offset === undefined || !byOffset.has(offset)) continue;
      const list = emulated.get(offset) ?? [];
      list.push({ vertex: planned.vertex, cost: planned.cost, targets: planned.targets });
      emulated.set(offset, list);
    }
    const uses = new Map(instructionUses(context).map((use) => [use.instruction, use.uses]));
    for (const [offset, vertices] of emulated) {
      const instruction = byOffset.get(offset);
      if (instruction === undefined || !MAY_COMPILE.test(instructionText(instruction))) continue;
      // A Windows-only Dockerfile linted for Linux platforms: nothing to say about its toolchain.
      if ((uses.get(instruction) ?? []).every(({ target, step }) => windowsOnLinux(target, step.definition.index))) continue;
      const calls = scriptsOf(context, instruction)
        .filter((text) => text.role === "run")
        // A compiler inside an architecture branch may not run on the emulated platform at all.
        .flatMap((text) => compileCalls(text.script).filter((call) => !archConditional(call.command)).map((call) => ({ text, call })));
      const first = calls[0];
      if (first === undefined) continue;
      const targets = [...new Set(vertices.flatMap((entry) => entry.targets))];
      const costs = vertices.map((entry) => {
        const native = vertexCost(entry.vertex, "native", DEFAULT_COST_MODEL);
        const arch = entry.vertex.kind === "exec" ? entry.vertex.platform : "";
        return `${arch}: ~${round(entry.cost)} s emulated vs ~${round(native)} s native`;
      });
      const labels = [...new Set(calls.map((entry) => `\`${entry.call.label}\``))].join(", ");
      context.report({
        range: first.text.range(first.call.command.start, calls[calls.length - 1]?.call.command.end ?? first.call.command.end),
        platforms: targets.map((target) => parsePlatform(target)),
        message:
          `${labels} runs under QEMU emulation for ${targets.join(", ")} (no worker runs that platform natively; plan estimate ${costs.join("; ")}), ` +
          `though the toolchain can cross-compile. Run this stage natively on the build platform (${formatPlatform(context.buildPlatform)}) with \`FROM --platform=$BUILDPLATFORM\` ` +
          `and pass the target from \`ARG TARGETOS TARGETARCH\`: ${hint(first.call.toolchain)}.`,
      });
    }
  },
};

const round = (value: number): number => Math.round(value * 10) / 10;

function hint(toolchain: Toolchain): string {
  switch (toolchain) {
    case "go":
      return "`GOOS=$TARGETOS GOARCH=$TARGETARCH go build`";
    case "cargo":
    case "rustc":
      return "`cargo build --target <triple for $TARGETARCH>` (or xx-cargo)";
    case "dotnet":
      return "`dotnet publish -a $TARGETARCH`";
    case "zig":
      return "`zig build -Dtarget=<$TARGETARCH>-linux`";
    case "c":
      return "a cross compiler for $TARGETARCH (xx-clang, or <triple>-gcc)";
  }
}
