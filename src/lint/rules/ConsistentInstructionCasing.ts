/**
 * ConsistentInstructionCasing (BuildKit): an instruction keyword whose case
 * differs from the case most keywords in the file use (`run` among `RUN`s,
 * or a mixed-case `From`).
 *
 * Why: keywords are case-insensitive, so mixed casing carries no meaning and
 * only makes a file harder to read and to search. The majority decides; a
 * tie goes to upper case.
 *
 * As in BuildKit, the keywords counted are those of the build stages: from
 * the first FROM on. Global ARGs before it are neither counted nor checked.
 * dfc's own IFARCH, ENDIFARCH and TAGARCH are keywords like any other and
 * count wherever they are. Unknown keywords are left to the compiler's error.
 */
import type { Instruction } from "../../syntax/ast.js";
import type { Rule } from "../rule.js";

const BLOCK_KEYWORDS = new Set(["IFARCH", "ENDIFARCH", "TAGARCH"]);

function stageKeywords(instructions: readonly Instruction[]): Instruction[] {
  const firstFrom = instructions.findIndex((instruction) => instruction.kind === "FROM");
  return instructions.filter(
    (instruction, index) => instruction.kind !== "UNKNOWN" && (BLOCK_KEYWORDS.has(instruction.kind) || (firstFrom !== -1 && index >= firstFrom)),
  );
}

export const rule: Rule = {
  name: "ConsistentInstructionCasing",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "All instruction keywords in a Dockerfile should use the same casing (all upper or all lower case).",
  check(context) {
    const keywords = stageKeywords(context.instructions).map((instruction) => instruction.keyword);
    let lower = 0;
    let upper = 0;
    for (const { value } of keywords) {
      if (value === value.toLowerCase()) lower++;
      else if (value === value.toUpperCase()) upper++;
    }
    const majority = lower > upper ? "lowercase" : "uppercase";
    for (const keyword of keywords) {
      const expected = majority === "lowercase" ? keyword.value.toLowerCase() : keyword.value.toUpperCase();
      if (keyword.value === expected) continue;
      context.report({
        range: keyword.range,
        message: `Command '${keyword.value}' should match the case of the command majority (${majority}): write '${expected}'`,
      });
    }
  },
};
