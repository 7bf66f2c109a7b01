/**
 * BuildArchProbe: `uname -m`, `arch`, `dpkg --print-architecture`,
 * `apk --print-arch` or `go env GOARCH` in a stage pinned to the build
 * platform whose files go into the target images.
 *
 * `FROM --platform=$BUILDPLATFORM` makes a stage run natively on the build
 * machine, which is the point of it; but then every architecture probe
 * describes the build machine. A download or GOARCH picked from one is
 * right on linux/amd64 and silently wrong for every other target. Stages
 * that already take the target into account (they use a TARGET* ARG or an
 * xx-* tool) are left alone: there a probe is usually picking a tool that
 * runs during the build, which is correct.
 */
import { formatPlatform } from "../../platform/index.js";
import type { LintContext } from "../context.js";
import { platformList } from "../context.js";
import type { Rule } from "../rule.js";
import { canonicalOfPlatform, spell } from "./support-arch-names.js";
import { instructionText, instructionUses, scriptsOf } from "./support-scripts.js";
import { buildPlatformLeaks } from "./support-stages.js";
import { probesIn } from "./support-toolchain.js";

/** Text that can hold a probe at all. */
const PROBES = /uname|arch|dpkg|apk|GOARCH|rpm|dumpmachine/;

export const BuildArchProbe: Rule = {
  name: "BuildArchProbe",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "An architecture probe (uname -m, dpkg --print-architecture, …) runs in a stage pinned to $BUILDPLATFORM, so it reports the build machine, not the target.",
  check(context: LintContext): void {
    const build = canonicalOfPlatform(context.buildPlatform);
    for (const use of instructionUses(context)) {
      if (use.instruction.kind !== "RUN" || !PROBES.test(instructionText(use.instruction))) continue;
      const affected = buildPlatformLeaks(context, use.uses);
      if (affected.length === 0) continue;
      const env = affected[0]?.step.env;
      const stage = affected[0]?.step.definition;
      for (const text of scriptsOf(context, use.instruction)) {
        if (text.role !== "run") continue;
        for (const probe of probesIn(text.script)) {
          if (probe.targetAware) continue;
          if (probe.label === "go env GOARCH" && env?.has("GOARCH") === true) continue;
          const platforms = affected.map((entry) => entry.target.platform);
          const says = probe.scheme === "uname" || probe.scheme === "dpkg" || probe.scheme === "apk" || probe.scheme === "oci" ? spell(build, probe.scheme) : undefined;
          const name = stage?.name === null || stage === undefined ? `stage ${stage?.index ?? 0}` : `stage "${stage.name}"`;
          context.report({
            range: text.range(probe.command.start, probe.command.end),
            platforms,
            message:
              `\`${probe.label}\` runs in ${name}, which is pinned to the build platform (${formatPlatform(context.buildPlatform)}), so it reports the build machine` +
              `${says === undefined ? "" : ` ("${says}")`} also when building for ${platformList(platforms)}, and that stage's files go into the target image. ` +
              `Use the target instead: \`ARG TARGETARCH\` and $TARGETARCH (or xx-info), and keep probes for tools that run during the build.`,
          });
        }
      }
    }
  },
};
