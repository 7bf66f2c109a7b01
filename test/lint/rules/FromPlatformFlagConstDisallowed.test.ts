import { describe, expect, it } from "vitest";
import { FromPlatformFlagConstDisallowed } from "../../../src/lint/rules/FromPlatformFlagConstDisallowed.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, options?: LintWith) =>
  lintWith(FromPlatformFlagConstDisallowed, source, options).map(({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({
    rule,
    severity,
    at: `${line}:${column}-${endLine}:${endColumn}`,
    message,
    platforms,
  }));

describe("FromPlatformFlagConstDisallowed", () => {
  it("reports a constant --platform, at the flag", () => {
    expect(lint("FROM --platform=linux/amd64 scratch\n")).toEqual([
      {
        rule: "FromPlatformFlagConstDisallowed",
        severity: "warning",
        at: "1:6-1:28",
        message:
          'FROM --platform flag should not use constant value "linux/amd64"; use a platform ARG such as $BUILDPLATFORM, drop the flag, or name the stage after the platform (for example AS build-amd64)',
        platforms: ["linux/amd64", "linux/arm64"],
      },
    ]);
  });

  it("accepts a stage named after the OS or the architecture (BuildKit's exceptions)", () => {
    expect(lint("FROM --platform=linux/amd64 scratch AS my_amd64_stage\n")).toEqual([]);
    expect(lint("FROM --platform=linux/amd64 scratch AS linux\n")).toEqual([]);
    expect(lint("FROM --platform=linux/arm64 alpine AS Build-ARM64\n")).toEqual([]);
  });

  it("compares the normalized platform with the stage name", () => {
    expect(lint("FROM --platform=linux/x86_64 alpine AS build-amd64\n")).toEqual([]);
    expect(lint("FROM --platform=linux/aarch64 alpine AS base\n").map((finding) => finding.message)).toEqual([
      expect.stringContaining('constant value "linux/aarch64"; use a platform ARG such as $BUILDPLATFORM, drop the flag, or name the stage after the platform (for example AS build-arm64)'),
    ]);
  });

  it("accepts any variable, defined or not", () => {
    expect(lint("FROM --platform=$BUILDPLATFORM alpine\n")).toEqual([]);
    expect(lint("FROM --platform=${BUILDOS}/amd64 alpine\n")).toEqual([]);
    expect(lint("FROM --platform=$UNDEFINED alpine\n")).toEqual([]);
  });

  it("reports quoted constants and continued lines", () => {
    expect(lint('FROM --platform="linux/arm64" alpine\n')).toHaveLength(1);
    expect(lint("FROM \\\n  --platform=linux/s390x \\\n  alpine\n")).toEqual([expect.objectContaining({ at: "2:3-2:25" })]);
    // The flag parser drops the backslash, so BuildKit sees a variable here.
    expect(lint("FROM --platform=linux/\\$notavar alpine\n")).toEqual([]);
  });

  it("ignores a platform that does not parse (a compile error)", () => {
    expect(lint("FROM --platform=not/a/valid/platform alpine\n")).toEqual([]);
  });

  it("reports stages inside IFARCH blocks for those targets only", () => {
    expect(lint("IFARCH amd64\nFROM --platform=linux/386 alpine AS base\nENDIFARCH\nFROM alpine\n")).toEqual([
      expect.objectContaining({ at: "2:6-2:26", platforms: ["linux/amd64"] }),
    ]);
  });
});
