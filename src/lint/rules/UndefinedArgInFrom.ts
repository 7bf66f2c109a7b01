/**
 * UndefinedArgInFrom (BuildKit): a FROM line (image or --platform) uses a
 * variable that is neither a global ARG nor an automatic platform ARG.
 *
 * Why: FROM lines only see the ARGs declared before the first FROM; anything
 * else expands to the empty string, usually a typo (`$BUILDPALTFORM`) or an
 * ARG declared inside a stage, and the build quietly uses the wrong base.
 */
import { processWord, ShellExpansionError } from "../../shell/index.js";
import type { Word } from "../../syntax/ast.js";
import type { Rule } from "../rule.js";
import { fromScopes, nearestName, variableRange } from "./support-semantics.js";

export const UndefinedArgInFrom: Rule = {
  name: "UndefinedArgInFrom",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "FROM command must use declared ARGs",
  check(context) {
    const escape = context.dockerfile.escape;
    for (const scope of fromScopes(context)) {
      // Only a `$` looks a name up; the scope's values are evaluated for the first such word.
      const words = scope.stages.flatMap((stage) => [stage.from.image, stage.from.platform].filter((word): word is Word => word !== null && word.value.includes("$")));
      if (words.length === 0 || scope.vars === null) continue;
      const vars = scope.vars;
      // BuildKit's unusedFromArgsCheckKeys: names with a value, and global ARGs declared without one.
      const known = new Set([...vars.keys(), ...scope.declared]);
      for (const word of words) {
        let unmatched: ReadonlySet<string>;
        try {
          unmatched = processWord(word.value, vars, { escape }).unmatched;
        } catch (error) {
          if (error instanceof ShellExpansionError) continue;
          throw error;
        }
        for (const name of unmatched) {
          if (known.has(name)) continue;
          const suggestion = nearestName(name, known);
          const hint = suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`;
          context.report({
            range: variableRange(context, word.range, name),
            message: `FROM argument '${name}' is not declared${hint}; ${suggestion === undefined ? "declare" : "correct the name, or declare"} it with "ARG ${name}" before the first FROM`,
            platforms: [scope.target.platform],
          });
        }
      }
    }
  },
};
