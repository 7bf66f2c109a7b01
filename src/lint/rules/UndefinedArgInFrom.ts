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
      // BuildKit's unusedFromArgsCheckKeys: names with a value, and global ARGs declared without one (made when first needed).
      let known: ReadonlySet<string> | undefined;
      const check = (word: Word | null): boolean => {
        // Only a `$` looks a name up; the scope's values are evaluated for the first such word.
        if (word === null || !word.value.includes("$")) return true;
        const vars = scope.vars;
        if (vars === null) return false;
        let unmatched: ReadonlySet<string>;
        try {
          unmatched = processWord(word.value, vars, { escape }).unmatched;
        } catch (error) {
          if (error instanceof ShellExpansionError) return true;
          throw error;
        }
        for (const name of unmatched) {
          known ??= new Set([...vars.keys(), ...scope.declared]);
          if (known.has(name)) continue;
          const suggestion = nearestName(name, known);
          const hint = suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`;
          context.report({
            range: variableRange(context, word.range, name),
            message: `FROM argument '${name}' is not declared${hint}; ${suggestion === undefined ? "declare" : "correct the name, or declare"} it with "ARG ${name}" before the first FROM`,
            platforms: [scope.target.platform],
          });
        }
        return true;
      };
      for (const stage of scope.stages) {
        if (!check(stage.from.image) || !check(stage.from.platform)) break;
      }
    }
  },
};
