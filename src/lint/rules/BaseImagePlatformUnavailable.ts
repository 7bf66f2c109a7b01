/**
 * BaseImagePlatformUnavailable: with image metadata, a base image has no
 * manifest for a platform the build needs.
 *
 * A multi-platform build pulls every base image once per platform. If the
 * image (or the tag) is published for amd64 only, the arm64 build stops at
 * FROM with "no match for platform in manifest" — after everything else has
 * started. The metadata comes from the resolver (`context.resolver`); offline
 * nothing is known and the rule says nothing.
 *
 * When the image has a platform the target can run (arm/v7 for an arm64
 * target, 386 for amd64) the pull falls back to it and the build goes on;
 * that mismatch is BuildKit's InvalidBaseImagePlatform warning, not this
 * error.
 */
import { canRun, formatPlatform } from "../../platform/index.js";
import type { Platform } from "../../platform/index.js";
import type { LintContext } from "../context.js";
import { platformList } from "../context.js";
import type { Rule } from "../rule.js";

export const BaseImagePlatformUnavailable: Rule = {
  name: "BaseImagePlatformUnavailable",
  origin: "dfc",
  severity: "error",
  experimental: false,
  description: "A base image is not published for a platform the build needs (per the image metadata).",
  check(context: LintContext): void {
    const resolver = context.resolver;
    if (resolver === undefined) return;
    for (const instruction of context.instructions) {
      if (instruction.kind !== "FROM") continue;
      const image = instruction.args[0];
      if (image === undefined) continue;
      const missing: { target: Platform; platform: Platform; available: readonly Platform[] }[] = [];
      for (const target of context.targets) {
        const stage = target.compiled?.stages.find((candidate) => candidate.location.start.offset === instruction.range.start.offset);
        if (stage === undefined || stage.base.kind !== "image" || stage.base.available) continue;
        const lookup = resolver.lookup(stage.base.ref, stage.platform);
        if (lookup.status !== "unavailable") continue;
        if (lookup.available.some((published) => canRun(stage.platform, published))) continue;
        missing.push({ target: target.platform, platform: stage.platform, available: lookup.available });
      }
      const first = missing[0];
      if (first === undefined) continue;
      const available = [...new Set(first.available.map(formatPlatform))];
      const needed = [...new Set(missing.map((entry) => formatPlatform(entry.platform)))];
      const pinned = missing.some((entry) => formatPlatform(entry.platform) !== formatPlatform(entry.target));
      context.report({
        range: image.range,
        platforms: missing.map((entry) => entry.target),
        message:
          `\`${image.value}\` is not published for ${needed.join(", ")}${available.length > 0 ? ` (it has ${available.join(", ")})` : ""}: ` +
          `the build for ${platformList(missing.map((entry) => entry.target))} fails at this FROM ("no match for platform in manifest"). ` +
          `Use an image or tag published for ${needed.length === 1 ? "that platform" : "those platforms"}${pinned ? "" : ", run a build-tools stage with `--platform=$BUILDPLATFORM`,"} or drop the platform from the build.`,
      });
    }
  },
};
