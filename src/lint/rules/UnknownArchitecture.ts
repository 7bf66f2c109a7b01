/**
 * UnknownArchitecture: an IFARCH or TAGARCH name dfc does not know.
 *
 * The compiler cannot tell which targets keep a block with an unknown name,
 * so the Dockerfile compiles for no platform at all. This rule reports at
 * the name (where the compile error points, which it replaces) and suggests
 * the nearest known spelling.
 */
import { nearestArchName, resolveArchName } from "../../platform/index.js";
import type { LintContext } from "../context.js";
import type { Rule } from "../rule.js";

export const UnknownArchitecture: Rule = {
  name: "UnknownArchitecture",
  origin: "dfc",
  severity: "error",
  experimental: false,
  description: "An IFARCH or TAGARCH architecture name is not a known architecture.",
  explainsCompileError: true,
  check(context: LintContext): void {
    for (const instruction of context.instructions) {
      if (instruction.kind !== "IFARCH" && instruction.kind !== "TAGARCH") continue;
      for (const arch of instruction.archs) {
        if (resolveArchName(arch.name) !== undefined) continue;
        const suggestion = nearestArchName(arch.name);
        context.report({
          range: arch.range,
          message:
            `unknown architecture "${arch.name}" in ${instruction.kind}: dfc cannot tell which platforms ${instruction.kind === "IFARCH" ? "keep this block" : "this build is published for"}, so the Dockerfile does not compile for any platform. ` +
            (suggestion === undefined
              ? "Use a known name (amd64, arm64, arm7, arm6, 386, ppc64le, s390x, riscv64, …; see docs/architectures.md)."
              : `Did you mean "${suggestion}"?`),
        });
      }
    }
  },
};
