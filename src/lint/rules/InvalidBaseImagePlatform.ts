/**
 * InvalidBaseImagePlatform (BuildKit's validateBaseImagePlatform): a stage's
 * base image is not published for the platform the stage builds for (same
 * OS and architecture; a different variant is still pulled).
 *
 * Why: the build then pulls an image for another platform (a single-platform
 * image) or fails to pull at all (an index without it); either way the
 * stage does not run what the target platform needs. Needs image metadata
 * (`--image-meta`); offline nothing is known and nothing is reported.
 */
import { formatPlatform, normalizePlatform, type Platform } from "../../platform/index.js";
import { expandWord, ShellExpansionError } from "../../shell/index.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { Rule } from "../rule.js";
import { fromScopes } from "./support-semantics.js";

const osAndArch = (platform: Platform): string => {
  const normalized = normalizePlatform(platform);
  return `${normalized.os}/${normalized.architecture}`;
};

export const InvalidBaseImagePlatform: Rule = {
  name: "InvalidBaseImagePlatform",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Base image platform does not match expected target platform",
  check(context) {
    const resolver = context.resolver;
    if (resolver === undefined) return;
    for (const scope of fromScopes(context)) {
      const compiled = scope.target.compiled;
      if (compiled === null) continue;
      for (const stage of compiled.stages) {
        if (stage.base.kind !== "image" || stage.base.available) continue;
        const lookup = resolver.lookup(stage.base.ref, stage.platform);
        if (lookup.status !== "unavailable") continue;
        const expected = osAndArch(stage.platform);
        if (lookup.available.some((platform) => osAndArch(platform) === expected)) continue;
        const image = scope.stages[stage.index]?.from.image;
        if (image === undefined) continue;
        let name = stage.base.ref;
        try {
          if (scope.vars !== null) name = expandWord(image.value, scope.vars, { escape: context.dockerfile.escape });
        } catch (error) {
          if (!(error instanceof ShellExpansionError)) throw error;
        }
        const wanted = goQuote(formatPlatform(stage.platform));
        const published = lookup.available.map((platform) => goQuote(formatPlatform(platform)));
        const problem =
          published.length === 1
            ? `Base image ${name} was pulled with platform ${published[0] ?? ""}, expected ${wanted} for current build`
            : `Base image ${name} is only published for ${published.join(", ")}, expected ${wanted} for current build`;
        const fix =
          stage.platformSource === "flag"
            ? "check the FROM --platform value or use an image published for that platform"
            : `use an image published for ${wanted}, or do not build this stage for it`;
        context.report({ range: image.range, message: `${problem}; ${fix}`, platforms: [scope.target.platform] });
      }
    }
  },
};
