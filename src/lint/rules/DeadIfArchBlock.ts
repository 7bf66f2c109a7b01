/**
 * DeadIfArchBlock: an IFARCH block that none of the requested platforms
 * keeps.
 *
 * Its instructions are never built, linted by BuildKit or tested; usually
 * the block names an architecture the build no longer requests, or is
 * misspelled as another architecture (`IFARCH arm` for linux/arm64). Blocks
 * inside a dead block are not reported again. Platforms a TAGARCH builds for
 * (the shared build of an `arm7 arm8 rpi` group is arm/v6) count as
 * requested.
 */
import { uniqueSorted } from "../../plan/plan.js";
import type { Platform } from "../../platform/index.js";
import type { Statement } from "../../syntax/ast.js";
import type { LintContext } from "../context.js";
import { platformList } from "../context.js";
import type { Rule } from "../rule.js";
import { archList, blockKeeps } from "./support-ifarch.js";

export const DeadIfArchBlock: Rule = {
  name: "DeadIfArchBlock",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "An IFARCH block matches none of the requested platforms, so its instructions are never built.",
  check(context: LintContext): void {
    const candidates: Platform[] = [];
    for (const target of context.targets) {
      candidates.push(target.platform);
      if (target.compiled !== null) candidates.push(target.compiled.platform);
    }
    const visit = (statements: readonly Statement[], reaching: readonly Platform[]): void => {
      for (const statement of statements) {
        if (statement.kind !== "ARCH_BLOCK") continue;
        const keeps = reaching.map((platform) => blockKeeps(statement.open.archs, platform));
        if (keeps.some((keep) => keep === undefined)) continue;
        const kept = reaching.filter((_, index) => keeps[index] === true);
        if (kept.length > 0) {
          visit(statement.body, kept);
          continue;
        }
        const count = countInstructions(statement.body);
        context.report({
          range: statement.open.range,
          message:
            `IFARCH ${archList(statement.open.archs)} matches none of the requested platforms (${platformList(context.platforms)}): ` +
            `its ${count} instruction${count === 1 ? " is" : "s are"} never built. Request a platform it selects, fix the architecture name, or remove the block.`,
        });
      }
    };
    visit(context.dockerfile.body, uniqueSorted(candidates));
  },
};

function countInstructions(statements: readonly Statement[]): number {
  return statements.reduce((sum, statement) => sum + (statement.kind === "ARCH_BLOCK" ? countInstructions(statement.body) : statement.kind === "TAGARCH" ? 0 : 1), 0);
}
