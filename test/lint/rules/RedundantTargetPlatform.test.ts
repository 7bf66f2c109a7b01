import { describe, expect, it } from "vitest";
import { RedundantTargetPlatform } from "../../../src/lint/rules/RedundantTargetPlatform.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, options?: LintWith) =>
  lintWith(RedundantTargetPlatform, source, options).map(({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({
    rule,
    severity,
    at: `${line}:${column}-${endLine}:${endColumn}`,
    message,
    platforms,
  }));

describe("RedundantTargetPlatform", () => {
  it("reports --platform=$TARGETPLATFORM, quoting the flag as written", () => {
    expect(lint("FROM --platform=$TARGETPLATFORM scratch\n")).toEqual([
      {
        rule: "RedundantTargetPlatform",
        severity: "warning",
        at: "1:6-1:32",
        message: "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior; remove the --platform flag",
        platforms: ["linux/amd64", "linux/arm64"],
      },
    ]);
    expect(lint("FROM --platform=${TARGETPLATFORM} scratch AS base\n").map((finding) => finding.message)).toEqual([
      "Setting platform to predefined ${TARGETPLATFORM} in FROM is redundant as this is the default behavior; remove the --platform flag",
    ]);
  });

  it("also reports a quoted flag, a default form and a continued line", () => {
    expect(lint('FROM --platform="$TARGETPLATFORM" alpine\n')).toHaveLength(1);
    expect(lint("FROM --platform=${TARGETPLATFORM:-linux/amd64} alpine\n")).toHaveLength(1);
    expect(lint("FROM \\\n    --platform=$TARGETPLATFORM \\\n    alpine\n")).toEqual([expect.objectContaining({ at: "2:5-2:31" })]);
  });

  it("accepts other platform values", () => {
    expect(lint("FROM --platform=$BUILDPLATFORM alpine\n")).toEqual([]);
    expect(lint("FROM --platform=$TARGETOS/$TARGETARCH alpine\n")).toEqual([]);
    expect(lint("FROM --platform=linux/amd64 alpine AS amd64\n")).toEqual([]);
    expect(lint("FROM alpine\n")).toEqual([]);
  });

  it("does not report when another variable is involved, even an undefined one", () => {
    expect(lint("FROM --platform=$TARGETPLATFORM$SUFFIX alpine\n")).toEqual([]);
  });

  it("reports per target, for every stage and only where IFARCH keeps it", () => {
    const source = "FROM --platform=$TARGETPLATFORM alpine AS unused\nIFARCH arm64\nFROM --platform=$TARGETPLATFORM alpine\nENDIFARCH\nFROM alpine\n";
    expect(lint(source).map((finding) => [finding.at, finding.platforms])).toEqual([
      ["1:6-1:32", ["linux/amd64", "linux/arm64"]],
      ["3:6-3:32", ["linux/arm64"]],
    ]);
  });
});
