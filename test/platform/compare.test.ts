import { describe, expect, it } from "vitest";
import { comparePlatforms, formatPlatform, parsePlatform, samePlatform } from "../../src/platform/index.js";

const p = (spec: string) => parsePlatform(spec);

describe("samePlatform", () => {
  it.each<[string, string, boolean]>([
    ["linux/arm", "linux/arm/v7", true],
    ["linux/armhf", "linux/arm/7", true],
    ["linux/arm64/v8", "linux/aarch64", true],
    ["linux/amd64/v1", "Linux/x86_64", true],
    ["linux/arm/v6", "linux/arm/v7", false],
    ["linux/amd64", "linux/amd64/v2", false],
    ["linux/amd64", "windows/amd64", false],
    ["windows(10.0.17763)/amd64", "windows(10.0.17763)/amd64", true],
    ["windows(10.0.17763)/amd64", "windows(10.0.20348)/amd64", false],
    ["windows(10.0.17763)/amd64", "windows/amd64", false],
  ])("%s vs %s: %s", (a, b, expected) => {
    expect(samePlatform(p(a), p(b))).toBe(expected);
    expect(comparePlatforms(p(a), p(b)) === 0).toBe(expected);
  });

  it("normalizes plain objects", () => {
    expect(samePlatform({ os: "linux", architecture: "arm" }, { os: "linux", architecture: "armhf" })).toBe(true);
    expect(samePlatform({ os: "linux", architecture: "amd64", variant: "" }, { os: "linux", architecture: "amd64" })).toBe(
      true,
    );
  });
});

describe("comparePlatforms", () => {
  it("orders by os, architecture, variant, OS version, with absent parts first", () => {
    const specs = [
      "windows(10.0.20348)/amd64",
      "linux/arm64/v8.2",
      "linux/arm/v7",
      "windows/amd64",
      "darwin/arm64",
      "linux/amd64/v3",
      "linux/arm/v6",
      "linux/amd64",
      "linux/arm64",
      "windows(10.0.17763)/amd64",
      "linux/386",
    ];
    expect(specs.map(p).sort(comparePlatforms).map(formatPlatform)).toStrictEqual([
      "darwin/arm64",
      "linux/386",
      "linux/amd64",
      "linux/amd64/v3",
      "linux/arm/v6",
      "linux/arm/v7",
      "linux/arm64",
      "linux/arm64/v8.2",
      "windows/amd64",
      "windows(10.0.17763)/amd64",
      "windows(10.0.20348)/amd64",
    ]);
  });

  it("does not depend on the locale", () => {
    // Code-unit order puts upper-case OS versions before lower-case ones; localeCompare would not.
    const upper = p("windows(B)/amd64");
    const lower = p("windows(a)/amd64");
    expect(comparePlatforms(upper, lower)).toBeLessThan(0);
  });
});
