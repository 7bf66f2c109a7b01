/**
 * FromPlatformFlagConstDisallowed (BuildKit): `FROM --platform=linux/amd64`,
 * a constant platform, in a stage whose name does not mention that OS or
 * architecture.
 *
 * Why: a constant pins the stage to one platform whatever the build asks
 * for, so a multi-platform build silently ships that platform's binaries
 * for every target. Use `$BUILDPLATFORM` (cross-compiling) or no flag; a
 * stage that really is platform-specific says so in its name
 * (`AS build-amd64`), which BuildKit accepts.
 */
import { parsePlatform, PlatformParseError } from "../../platform/index.js";
import { processWord, ShellExpansionError } from "../../shell/index.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { Rule } from "../rule.js";
import { fromScopes } from "./support-semantics.js";

export const FromPlatformFlagConstDisallowed: Rule = {
  name: "FromPlatformFlagConstDisallowed",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "FROM --platform flag should not use a constant value",
  check(context) {
    const escape = context.dockerfile.escape;
    for (const scope of fromScopes(context)) {
      for (const stage of scope.stages) {
        const flag = stage.from.platform;
        if (flag === null) continue;
        let expansion;
        try {
          expansion = processWord(flag.value, new Map<string, string>(), { escape });
        } catch (error) {
          if (error instanceof ShellExpansionError) continue;
          throw error;
        }
        // Any variable, set or not, makes the value non-constant.
        if (expansion.matched.size > 0 || expansion.unmatched.size > 0) continue;
        let platform;
        try {
          platform = parsePlatform(expansion.result, { host: context.buildPlatform });
        } catch (error) {
          // An unparsable platform is a compile error, reported as such.
          if (error instanceof PlatformParseError) continue;
          throw error;
        }
        const name = stage.name ?? "";
        if (name.includes(platform.os) || name.includes(platform.architecture)) continue;
        context.report({
          range: flag.range,
          message: `FROM --platform flag should not use constant value ${goQuote(expansion.result)}; use a platform ARG such as $BUILDPLATFORM, drop the flag, or name the stage after the platform (for example AS build-${platform.architecture})`,
          platforms: [scope.target.platform],
        });
      }
    }
  },
};
