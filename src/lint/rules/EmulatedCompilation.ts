/**
 * EmulatedCompilation: a compiler runs under QEMU emulation for some target
 * although its toolchain can cross-compile.
 *
 * Without a worker of the target's architecture, BuildKit runs the target's
 * RUN steps under QEMU user emulation, several times slower than native;
 * for compilers that is where a 4-minute build becomes a 40-minute one. Go,
 * Rust, .NET, Zig and C (with a cross compiler or xx) can build for another
 * architecture natively: run the stage on the build platform and pass the
 * target. The planner's placement says which RUN steps are emulated, and its
 * cost model what they cost.
 */
import type { CompiledStage } from "../../compile/target.js";
import type { ExecContent } from "../../graph/ir.js";
import { formatPlatform } from "../../platform/index.js";
import { DEFAULT_COST_MODEL, vertexCost } from "../../plan/cost.js";
import { placeExec, type ExecMode } from "../../plan/modes.js";
import { workersFor } from "../../plan/plan.js";
import type { LintContext, TargetView } from "../context.js";
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
    // A file that does not compile for every target gets its compile error, not toolchain advice.
    if (context.targets.some((target) => target.compiled === null)) return;
    const workers = workersFor(context.buildPlatform, context.workers);
    // A stage's steps all run alike: place each stage once.
    const modes = new Map<CompiledStage, ExecMode>();
    const modeOf = (stage: CompiledStage): ExecMode => {
      let mode = modes.get(stage);
      if (mode === undefined) modes.set(stage, (mode = placeExec(stage.platform, stage.pinnedToBuild, context.platforms, context.buildPlatform, workers).mode));
      return mode;
    };
    for (const { instruction, uses } of instructionUses(context)) {
      if (instruction.kind !== "RUN") continue;
      // The emulated steps, one per platform they run as (targets of one TAGARCH group share it).
      const emulated = new Map<string, { exec: ExecContent; targets: TargetView[] }>();
      for (const { target, step } of uses) {
        if (step.exec === null || modeOf(step.stage) !== "emulated") continue;
        const entry = emulated.get(step.exec.platform) ?? { exec: step.exec, targets: [] };
        entry.targets.push(target);
        emulated.set(step.exec.platform, entry);
      }
      if (emulated.size === 0 || !MAY_COMPILE.test(instructionText(instruction))) continue;
      // A Windows-only Dockerfile linted for Linux platforms: nothing to say about its toolchain.
      if (uses.every(({ target, step }) => windowsOnLinux(target, step.definition.index))) continue;
      const calls = scriptsOf(context, instruction)
        .filter((text) => text.role === "run")
        // A compiler inside an architecture branch may not run on the emulated platform at all.
        .flatMap((text) => compileCalls(text.script).filter((call) => !archConditional(call.command)).map((call) => ({ text, call })));
      const first = calls[0];
      if (first === undefined) continue;
      const targets = [...emulated.values()].flatMap((entry) => entry.targets.map((target) => target.platform));
      const costs = [...emulated.values()].map(({ exec }) => {
        const cost = vertexCost(exec, "emulated", DEFAULT_COST_MODEL);
        const native = vertexCost(exec, "native", DEFAULT_COST_MODEL);
        return `${exec.platform}: ~${round(cost)} s emulated vs ~${round(native)} s native`;
      });
      const labels = [...new Set(calls.map((entry) => `\`${entry.call.label}\``))].join(", ");
      context.report({
        range: first.text.range(first.call.command.start, calls[calls.length - 1]?.call.command.end ?? first.call.command.end),
        platforms: targets,
        message:
          `${labels} runs under QEMU emulation for ${targets.map(formatPlatform).join(", ")} (no worker runs that platform natively; plan estimate ${costs.join("; ")}), ` +
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
