/**
 * Build arguments, scoped the way BuildKit scopes them.
 *
 * - Global ARGs (before the first FROM) and the automatic platform ARGs are
 *   visible in FROM lines only.
 * - Inside a stage an ARG is visible after its `ARG NAME` line. Its value is
 *   the `--build-arg` value if one was given, else its own default, else the
 *   global ARG's value or the automatic platform value of the same name.
 * - Declared ARGs with a value are part of later RUN steps' environment, and
 *   so of their digests: a RUN after `ARG TARGETARCH` differs per target,
 *   one without it does not.
 */
import { formatPlatform, type Platform } from "../platform/index.js";

/** Ordered name → value pairs (later definitions replace earlier ones but keep their place). */
export type Vars = Map<string, string>;

export const AUTOMATIC_ARGS = [
  "BUILDPLATFORM",
  "BUILDOS",
  "BUILDARCH",
  "BUILDVARIANT",
  "TARGETPLATFORM",
  "TARGETOS",
  "TARGETARCH",
  "TARGETVARIANT",
  "TARGETSTAGE",
] as const;

/** The automatic ARGs that describe the target platform (what differs between the builds of a multi-platform build). */
export const TARGET_PLATFORM_ARGS = ["TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"] as const;

/** The automatic platform ARGs for one build. */
export function automaticArgs(build: Platform, target: Platform, targetStage: string): Vars {
  return new Map<string, string>([
    ["BUILDPLATFORM", formatPlatform(build)],
    ["BUILDOS", build.os],
    ["BUILDARCH", build.architecture],
    ["BUILDVARIANT", build.variant ?? ""],
    ["TARGETPLATFORM", formatPlatform(target)],
    ["TARGETOS", target.os],
    ["TARGETARCH", target.architecture],
    ["TARGETVARIANT", target.variant ?? ""],
    ["TARGETSTAGE", targetStage],
  ]);
}
