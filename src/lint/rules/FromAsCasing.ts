/**
 * FromAsCasing (BuildKit): the `AS` of `FROM image AS name` is not cased like
 * the `FROM` keyword (`FROM x as y`, `from x AS y`).
 *
 * Why: keywords that agree in case make a file easier to scan. The check
 * only applies when FROM itself is all upper or all lower case; a FROM in
 * mixed case is ConsistentInstructionCasing's finding, not this one's.
 */
import type { Rule } from "../rule.js";
import { isAsKeyword } from "../../compile/instructions/from.js";

export const rule: Rule = {
  name: "FromAsCasing",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "The 'as' keyword should match the case of the 'from' keyword.",
  check(context) {
    for (const instruction of context.instructions) {
      if (instruction.kind !== "FROM") continue;
      const from = instruction.keyword.value;
      const as = instruction.args[1];
      if (instruction.args.length < 3 || as === undefined || !isAsKeyword(as.value)) continue;
      const upper = from === from.toUpperCase();
      const lower = from === from.toLowerCase();
      if (upper === lower) continue; // mixed case (or no letters): not this rule's business
      const expected = upper ? as.value.toUpperCase() : as.value.toLowerCase();
      if (as.value === expected) continue;
      context.report({
        range: as.range,
        message: `'${as.value}' and '${from}' keywords' casing do not match: write '${expected}' to match '${from}'`,
      });
    }
  },
};
