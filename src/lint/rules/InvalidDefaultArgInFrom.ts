/**
 * InvalidDefaultArgInFrom (BuildKit): with the global ARGs at their default
 * values (no build args), a FROM line's image expands to an empty or invalid
 * image reference.
 *
 * Why: such a Dockerfile only builds when every caller remembers the right
 * --build-arg; a plain `docker build` fails. A usable default (or none that
 * leaves a valid name, such as `${VARIANT}` after a tag) fixes it.
 *
 * BuildKit checks every FROM line; dfc checks those that use a variable (a
 * FROM without one cannot be affected by ARG defaults, and an invalid
 * literal name is already a compile error).
 */
import { isValidImageRef } from "../../compile/image-ref.js";
import { isPlain, processWord, ShellExpansionError } from "../../shell/index.js";
import type { Rule } from "../rule.js";
import { fromScopes } from "./support-semantics.js";

export const InvalidDefaultArgInFrom: Rule = {
  name: "InvalidDefaultArgInFrom",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Default value for global ARG results in an empty or invalid base image name",
  check(context) {
    const escape = context.dockerfile.escape;
    for (const scope of fromScopes(context)) {
      for (const stage of scope.stages) {
        const image = stage.from.image;
        // A plain name has nothing an ARG default could change (and the scope's values are not needed).
        if (isPlain(image.value, { escape })) continue;
        if (scope.defaults === null) break;
        let expansion;
        try {
          expansion = processWord(image.value, scope.defaults, { escape });
        } catch (error) {
          // BuildKit abandons the check at the first FROM it cannot expand.
          if (error instanceof ShellExpansionError) break;
          throw error;
        }
        if (expansion.matched.size === 0 && expansion.unmatched.size === 0) continue;
        if (isValidImageRef(expansion.result)) continue;
        const shown = expansion.result === "" ? "an empty name" : `"${expansion.result}"`;
        context.report({
          range: image.range,
          message: `Default value for ARG ${image.value} results in empty or invalid base image name; without build args it expands to ${shown}, so give the ARG a default that makes a valid image reference`,
          platforms: [scope.target.platform],
        });
      }
    }
  },
};
