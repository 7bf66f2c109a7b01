/**
 * DuplicateStageName (BuildKit): two stages with the same name (compared
 * case-insensitively, as BuildKit lower-cases stage names).
 *
 * Why: `FROM name` and `--from=name` can then mean either stage, and which
 * one is picked depends on where the reference is; renaming one of them
 * makes every reference unambiguous.
 *
 * Stages are counted per requested platform, after IFARCH blocks are
 * resolved: the same name in two blocks that never apply to the same
 * platform (the usual way to give each architecture its own stage) is fine.
 */
import type { Instruction, Word } from "../../syntax/ast.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { Rule } from "../rule.js";
import { isAsKeyword, isValidStageName } from "../../compile/instructions/from.js";


function stageName(instruction: Instruction): Word | null {
  if (instruction.kind !== "FROM" || instruction.args.length !== 3) return null;
  const [, as, name] = instruction.args;
  if (as === undefined || name === undefined || !isAsKeyword(as.value)) return null;
  // Other names are the compiler's error, not this rule's.
  return isValidStageName(name.value.toLowerCase()) ? name : null;
}

export const rule: Rule = {
  name: "DuplicateStageName",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Stage names should be unique.",
  check(context) {
    for (const target of context.targets) {
      const { instructions } = target;
      const first = new Map<string, Word>();
      for (const instruction of instructions) {
        const name = stageName(instruction);
        if (name === null) continue;
        const lower = name.value.toLowerCase();
        const earlier = first.get(lower);
        if (earlier === undefined) {
          first.set(lower, name);
          continue;
        }
        context.report({
          range: name.range,
          message: `Duplicate stage name ${goQuote(lower)}, stage names should be unique: rename this stage or the one on line ${earlier.range.start.line}`,
          platforms: [target.platform],
        });
      }
    }
  },
};
