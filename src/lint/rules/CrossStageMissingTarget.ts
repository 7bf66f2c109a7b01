/**
 * CrossStageMissingTarget: a compiler runs in a stage pinned to the build
 * platform without being told the target, and the result is copied into
 * images for other platforms.
 *
 * `FROM --platform=$BUILDPLATFORM` is the fast way to build multi-platform
 * images, but only if the compiler cross-compiles: `go build` there builds
 * for the build machine unless GOOS/GOARCH come from $TARGETOS/$TARGETARCH.
 * Without that, the arm64 image receives an amd64 binary and fails with
 * "exec format error" when it starts. A stage counts as target-aware when
 * any of its commands uses a TARGET* ARG (directly, through ENV/ARG, or via
 * an xx-* tool); a COPY that picks a per-target path is fine too.
 */
import { formatPlatform } from "../../platform/index.js";
import type { LintContext } from "../context.js";
import { platformList } from "../context.js";
import type { Rule } from "../rule.js";
import { instructionText, instructionUses, scriptsOf } from "./support-scripts.js";
import { buildPlatformLeaks } from "./support-stages.js";
import { compileCalls, MAY_COMPILE, type CompileCall, type Toolchain } from "./support-toolchain.js";

export const CrossStageMissingTarget: Rule = {
  name: "CrossStageMissingTarget",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "A compiler runs in a stage pinned to $BUILDPLATFORM without any TARGET* input, and its output is copied into target-platform stages.",
  check(context: LintContext): void {
    for (const use of instructionUses(context)) {
      // Only a RUN in a stage pinned to the build platform can leak (checked first: it is cheaper than the text).
      if (use.instruction.kind !== "RUN" || !use.uses.some(({ step }) => step.stage.pinnedToBuild) || !MAY_COMPILE.test(instructionText(use.instruction))) continue;
      const affected = buildPlatformLeaks(context, use.uses);
      if (affected.length === 0) continue;
      const calls = scriptsOf(context, use.instruction)
        .filter((text) => text.role === "run")
        .flatMap((text) => compileCalls(text.script).filter(portable).map((call) => ({ text, call })));
      for (const { text, call } of calls) {
        const first = affected[0];
        if (first === undefined) continue;
        const stage = first.step.definition.name === null ? `stage ${first.step.definition.index}` : `stage "${first.step.definition.name}"`;
        const consumers = [...new Set(affected.flatMap((entry) => entry.consumers.map((consumer) => (consumer.stage.name === null ? `stage ${consumer.stage.index}` : `"${consumer.stage.name}"`))))];
        const platforms = affected.map((entry) => entry.target.platform);
        context.report({
          range: text.range(call.command.start, call.command.end),
          platforms,
          message:
            `\`${call.label}\` runs in ${stage}, pinned to the build platform (${formatPlatform(context.buildPlatform)}), with no TARGET* input, and its output is copied into ${consumers.join(", ")}: ` +
            `the ${platformList(platforms)} image${platforms.length === 1 ? " gets" : "s get"} ${formatPlatform(context.buildPlatform)} binaries (exec format error). ${fix(call.toolchain)}`,
        });
      }
    }
  },
};

/** `dotnet publish` without a runtime is framework-dependent IL, which runs anywhere; only self-contained/AOT output is native. */
function portable(entry: CompileCall): boolean {
  if (entry.targetFlags.length > 0) return false;
  if (entry.toolchain !== "dotnet") return true;
  return entry.command.args.some((arg) => /^(?:--self-contained|--sc|[-/]p:(?:PublishAot|PublishSingleFile|SelfContained)=true)$/i.test(arg.literal ?? arg.raw));
}

function fix(toolchain: Toolchain): string {
  switch (toolchain) {
    case "go":
      return "Declare `ARG TARGETOS TARGETARCH` in the stage and build with `GOOS=$TARGETOS GOARCH=$TARGETARCH go build …` (or use xx-go).";
    case "cargo":
    case "rustc":
      return "Declare `ARG TARGETPLATFORM` and pass a matching `--target` triple (xx-cargo does the mapping).";
    case "dotnet":
      return "Declare `ARG TARGETARCH` and publish with `-a $TARGETARCH`.";
    case "zig":
      return "Declare `ARG TARGETARCH` and pass a matching `-target`.";
    case "c":
      return "Declare `ARG TARGETPLATFORM` and compile with a cross compiler for it (xx-clang, or <triple>-gcc chosen from $TARGETARCH).";
  }
}
