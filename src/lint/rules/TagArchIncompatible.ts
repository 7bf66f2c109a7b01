/**
 * TagArchIncompatible: a TAGARCH lists architectures that cannot run one
 * build.
 *
 * TAGARCH says "publish this one build for all these architectures", which
 * only works if one of them runs on all the others (ARMv6 code runs on
 * ARMv7 and 64-bit Arm; nothing runs on both amd64 and arm64). Otherwise the
 * compiler cannot pick a platform for the build and fails for those
 * targets; the rule names the pair that conflicts.
 */
import { canRun, type Platform } from "../../platform/index.js";
import type { ArchName } from "../../syntax/ast.js";
import type { LintContext } from "../context.js";
import type { Rule } from "../rule.js";
import { platformOfName } from "./support-ifarch.js";

export const TagArchIncompatible: Rule = {
  name: "TagArchIncompatible",
  origin: "dfc",
  severity: "error",
  experimental: false,
  description: "A TAGARCH lists architectures that cannot all run one binary (amd64 with arm64, …).",
  explainsCompileError: true,
  check(context: LintContext): void {
    for (const instruction of context.instructions) {
      if (instruction.kind !== "TAGARCH") continue;
      const members = instruction.archs.map((arch) => ({ arch, platform: platformOfName(arch) }));
      if (members.some((member) => member.platform === undefined)) continue;
      const listed = members as { arch: ArchName; platform: Platform }[];
      const common = listed.find((candidate) => listed.every((member) => canRun(member.platform, candidate.platform)));
      if (common !== undefined) continue;
      const conflict = conflictingPair(listed);
      context.report({
        range: instruction.range,
        message:
          `TAGARCH ${instruction.archs.map((arch) => arch.name).join(" ")} cannot be served by one build: ` +
          `${conflict === null ? "no listed architecture runs on all the others" : `no binary runs on both ${conflict[0]} and ${conflict[1]}`}, ` +
          `so those targets would get code they cannot execute (exec format error) and the Dockerfile does not compile for them. ` +
          `List only architectures one build can serve (e.g. \`TAGARCH arm6 arm7 arm64\`, built as arm/v6) and give the others their own IFARCH block.`,
      });
    }
  },
};

/** Two listed architectures neither of which runs the other's code. */
function conflictingPair(members: readonly { arch: ArchName; platform: Platform }[]): [string, string] | null {
  for (const [index, a] of members.entries()) {
    for (const b of members.slice(index + 1)) {
      if (!canRun(a.platform, b.platform) && !canRun(b.platform, a.platform)) return [a.arch.name, b.arch.name];
    }
  }
  return null;
}
