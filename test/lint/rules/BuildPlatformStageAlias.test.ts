import { describe, expect, it } from "vitest";
import { BuildPlatformStageAlias } from "../../../src/lint/rules/BuildPlatformStageAlias.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(BuildPlatformStageAlias, source, options);

describe("BuildPlatformStageAlias", () => {
  it("reports --platform=$BUILDPLATFORM on a FROM that names an earlier stage, at the flag", () => {
    const source = `FROM golang AS base\nRUN go version\nFROM --platform=$BUILDPLATFORM base AS build\nRUN go build -o /app .\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 3, column: 6, endColumn: 31, platforms: ["linux/arm64"] });
    expect(findings[0]?.message).toContain('"base" is an earlier stage');
    expect(findings[0]?.message).toContain("linux/arm64 instead of linux/amd64");
    expect(findings[0]?.message).toContain('Put `--platform` on the FROM that starts "base"');
  });

  it("is quiet on images and when the earlier stage already has that platform", () => {
    expect(lint(`FROM --platform=$BUILDPLATFORM golang AS build\nRUN true\n`)).toEqual([]);
    expect(lint(`FROM --platform=$BUILDPLATFORM golang AS base\nFROM --platform=$BUILDPLATFORM base AS build\nRUN true\n`)).toEqual([]);
  });

  it("reports a fixed platform on a stage reference, for the targets it differs on", () => {
    const findings = lint(`FROM alpine AS base\nFROM --platform=linux/amd64 base\nRUN true\n`, { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"] });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.platforms).toEqual(["linux/arm64", "linux/arm/v7"]);
  });

  it("is quiet for a single platform equal to the build platform", () => {
    expect(lint(`FROM alpine AS base\nFROM --platform=$BUILDPLATFORM base\n`, { platforms: ["linux/amd64"] })).toEqual([]);
  });
});
