/**
 * MultipleInstructionsDisallowed (BuildKit): more than one CMD, ENTRYPOINT or
 * HEALTHCHECK in one stage.
 *
 * Why: each of them sets one field of the image config, so only the last one
 * of a stage has any effect; the earlier ones are dead text that readers
 * take for real. Like BuildKit, the finding points at the instruction that
 * is overridden, and stages are separate (a stage built FROM another may set
 * its own CMD).
 *
 * Stages are read per requested platform, after IFARCH blocks are resolved:
 * a CMD in an `IFARCH amd64` block and another in an `IFARCH arm64` block
 * never meet.
 */
import type { Instruction } from "../../syntax/ast.js";
import type { Rule } from "../rule.js";

type Tracked = "CMD" | "ENTRYPOINT" | "HEALTHCHECK";
const TRACKED = new Set<string>(["CMD", "ENTRYPOINT", "HEALTHCHECK"]);

export const rule: Rule = {
  name: "MultipleInstructionsDisallowed",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "A stage should not have more than one CMD, ENTRYPOINT or HEALTHCHECK: only the last one is used.",
  check(context) {
    for (const target of context.targets) {
      const { instructions } = target;
      let last: Map<Tracked, Instruction> | null = null; // null until the first FROM
      for (const instruction of instructions) {
        if (instruction.kind === "FROM") {
          last = new Map();
          continue;
        }
        if (last === null || !TRACKED.has(instruction.kind)) continue;
        const kind = instruction.kind as Tracked;
        const overridden = last.get(kind);
        last.set(kind, instruction);
        if (overridden === undefined) continue;
        const name = instruction.keyword.value;
        context.report({
          range: overridden.keyword.range,
          message: `Multiple ${name} instructions should not be used in the same stage because only the last one will be used: this one is overridden by the ${kind} on line ${instruction.range.start.line}, so remove it`,
          platforms: [target.platform],
        });
      }
    }
  },
};
