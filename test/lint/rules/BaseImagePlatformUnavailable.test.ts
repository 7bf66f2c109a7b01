import { describe, expect, it } from "vitest";
import type { ImageLookup, ImageResolver } from "../../../src/compile/image-config.js";
import { BaseImagePlatformUnavailable } from "../../../src/lint/rules/BaseImagePlatformUnavailable.js";
import { formatPlatform, parsePlatform, type Platform } from "../../../src/platform/index.js";
import { lintWith } from "../lint-helpers.js";

/** Images and the platforms they are published for. */
function resolver(images: Record<string, readonly string[]>): ImageResolver {
  return {
    lookup(ref: string, platform: Platform): ImageLookup {
      const published = images[ref];
      if (published === undefined) return { status: "unknown" };
      if (published.includes(formatPlatform(platform))) return { status: "known", config: { env: [], workdir: "", user: "", entrypoint: null, cmd: null, shell: null, onbuild: [] } };
      return { status: "unavailable", available: published.map((spec) => parsePlatform(spec)) };
    },
  };
}

const lint = (source: string, images: Record<string, readonly string[]>, options = {}) =>
  lintWith(BaseImagePlatformUnavailable, source, { ...options, extra: { resolver: resolver(images) } });

describe("BaseImagePlatformUnavailable", () => {
  it("reports a base image without a manifest for a requested platform, at the image", () => {
    const findings = lint(`FROM example/amd64-only:1.0\nRUN true\n`, { "docker.io/example/amd64-only:1.0": ["linux/amd64"] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", line: 1, column: 6, endColumn: 28, platforms: ["linux/arm64"] });
    expect(findings[0]?.message).toContain("not published for linux/arm64 (it has linux/amd64)");
  });

  it("is quiet when the image is published for every platform, or unknown (offline)", () => {
    expect(lint(`FROM alpine:3.20\n`, { "docker.io/library/alpine:3.20": ["linux/amd64", "linux/arm64"] })).toEqual([]);
    expect(lint(`FROM alpine:3.20\n`, {})).toEqual([]);
    expect(lintWith(BaseImagePlatformUnavailable, `FROM alpine:3.20\n`)).toEqual([]);
  });

  it("checks a stage pinned to the build platform against the build platform only", () => {
    const images = { "docker.io/example/tools:1": ["linux/amd64"] };
    expect(lint(`FROM --platform=$BUILDPLATFORM example/tools:1 AS tools\nRUN true\nFROM scratch\nCOPY --from=tools /x /x\n`, images)).toEqual([]);
  });

  it("leaves a published platform the target can run (a fallback pull) to InvalidBaseImagePlatform", () => {
    expect(lint(`FROM example/arm32:1\n`, { "docker.io/example/arm32:1": ["linux/amd64", "linux/arm/v7"] })).toEqual([]);
  });

  it("names every missing platform once", () => {
    const findings = lint(`FROM example/x86:1\n`, { "docker.io/example/x86:1": ["linux/amd64", "linux/386"] }, { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"] });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.platforms).toEqual(["linux/arm64", "linux/arm/v7"]);
    expect(findings[0]?.message).toContain("linux/arm/v7, linux/arm64");
  });
});
