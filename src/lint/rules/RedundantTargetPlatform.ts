/**
 * RedundantTargetPlatform (BuildKit): `FROM --platform=$TARGETPLATFORM`.
 *
 * Why: a stage without --platform already builds for the target platform;
 * the flag adds nothing but noise (and suggests the stage is pinned when it
 * is not). BuildKit reports it when the flag expands only TARGETPLATFORM and
 * the result is exactly its value.
 */
import { processWord, ShellExpansionError } from "../../shell/index.js";
import type { Rule } from "../rule.js";
import { fromScopes } from "./support-semantics.js";

export const RedundantTargetPlatform: Rule = {
  name: "RedundantTargetPlatform",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
  check(context) {
    const escape = context.dockerfile.escape;
    for (const scope of fromScopes(context)) {
      for (const stage of scope.stages) {
        const platform = stage.from.platform;
        // Without a `$` the flag names no variable (and the scope's values are not needed).
        if (platform === null || !platform.value.includes("$")) continue;
        if (scope.vars === null) break;
        let expansion;
        try {
          expansion = processWord(platform.value, scope.vars, { escape });
        } catch (error) {
          if (error instanceof ShellExpansionError) continue;
          throw error;
        }
        // Only TARGETPLATFORM was looked up, and the flag is nothing but its value.
        if (expansion.matched.size !== 1 || expansion.unmatched.size !== 0 || !expansion.matched.has("TARGETPLATFORM")) continue;
        if (expansion.result !== scope.vars.get("TARGETPLATFORM")) continue;
        context.report({
          range: platform.range,
          message: `Setting platform to predefined ${platform.value} in FROM is redundant as this is the default behavior; remove the --platform flag`,
          platforms: [scope.target.platform],
        });
      }
    }
  },
};
