/**
 * StageNameCasing (BuildKit): `FROM image AS Name` with upper-case letters in
 * the name.
 *
 * Why: BuildKit records stage names in lower case, so `Builder` is really
 * `builder`. `--from=Builder` still finds it, but BuildKit's `FROM Builder`
 * compares the text as written and does not; a lower-case name keeps the
 * definition and every reference spelled alike.
 */
import type { Word, WordsInstruction } from "../../syntax/ast.js";
import type { Rule } from "../rule.js";
import { isAsKeyword } from "../../compile/instructions/from.js";

/** The name of `FROM image AS name` when it has upper-case letters. */
function misnamedStage(from: WordsInstruction): Word | null {
  const [, as, name] = from.args;
  if (from.args.length !== 3 || as === undefined || name === undefined || !isAsKeyword(as.value)) return null;
  return name.value === name.value.toLowerCase() ? null : name;
}

export const rule: Rule = {
  name: "StageNameCasing",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Stage names should be lowercase.",
  check(context) {
    for (const instruction of context.instructions) {
      if (instruction.kind !== "FROM") continue;
      const name = misnamedStage(instruction);
      if (name === null) continue;
      context.report({
        range: name.range,
        message: `Stage name '${name.value}' should be lowercase: write '${name.value.toLowerCase()}' here and wherever the stage is referenced`,
      });
    }
  },
};
