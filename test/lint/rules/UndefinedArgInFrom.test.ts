import { describe, expect, it } from "vitest";
import { UndefinedArgInFrom } from "../../../src/lint/rules/UndefinedArgInFrom.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, options?: LintWith) =>
  lintWith(UndefinedArgInFrom, source, options).map(({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({
    rule,
    severity,
    at: `${line}:${column}-${endLine}:${endColumn}`,
    message,
    platforms,
  }));

const BOTH = ["linux/amd64", "linux/arm64"];

describe("UndefinedArgInFrom", () => {
  it("reports a variable in the image that no global ARG declares, at the variable", () => {
    expect(lint("ARG tag=latest\nFROM busybox:${tag}${version} AS b\n")).toEqual([
      {
        rule: "UndefinedArgInFrom",
        severity: "warning",
        at: "2:20-2:30",
        message: `FROM argument 'version' is not declared; declare it with "ARG version" before the first FROM`,
        platforms: BOTH,
      },
    ]);
  });

  it("suggests the near name in --platform (BuildKit's own example)", () => {
    expect(lint("FROM --platform=$BULIDPLATFORM alpine\n")).toEqual([
      expect.objectContaining({
        at: "1:17-1:31",
        message: `FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?); correct the name, or declare it with "ARG BULIDPLATFORM" before the first FROM`,
      }),
    ]);
  });

  it("suggests a declared global ARG", () => {
    const source = "ARG MY_OS=linux\nARG MY_ARCH=amd64\nFROM --platform=linux/${MYARCH} busybox\n";
    expect(lint(source).map((finding) => finding.message)).toEqual([
      `FROM argument 'MYARCH' is not declared (did you mean MY_ARCH?); correct the name, or declare it with "ARG MYARCH" before the first FROM`,
    ]);
  });

  it("accepts global ARGs with and without a value, and the automatic platform ARGs", () => {
    expect(lint("ARG base=alpine\nFROM $base\n")).toEqual([]);
    expect(lint("ARG DEBUG\nFROM alpine${DEBUG}\n")).toEqual([]);
    expect(lint("ARG DEBUG\nFROM alp${DEBUG:-ine}\n")).toEqual([]);
    expect(lint("FROM --platform=$BUILDPLATFORM alpine\nFROM --platform=${TARGETPLATFORM} alpine:${TARGETARCH}\n")).toEqual([]);
  });

  it("does not count an ARG declared inside a stage, or after the first FROM", () => {
    const source = "FROM alpine AS a\nARG VERSION=1\nFROM alpine:${VERSION}\n";
    expect(lint(source)).toEqual([expect.objectContaining({ at: "3:13-3:23", message: expect.stringContaining("FROM argument 'VERSION' is not declared") })]);
  });

  it("checks every stage, also those the target does not need", () => {
    const source = "FROM alpine:$OLD AS unused\nFROM alpine\n";
    expect(lint(source)).toEqual([expect.objectContaining({ at: "1:13-1:17" })]);
  });

  it("reports an undefined name once per use, with braces and default forms", () => {
    const source = 'FROM "${REGISTRY:-docker.io}/library/alpine:${TAG}"\n';
    expect(lint(source).map((finding) => [finding.at, finding.message.slice(0, 33)])).toEqual([
      ["1:7-1:17", "FROM argument 'REGISTRY' is not d"],
      ["1:45-1:51", "FROM argument 'TAG' is not declar"],
    ]);
  });

  it("points into a FROM written across continuation lines", () => {
    const source = "FROM \\\n  --platform=$PLATFROM \\\n  alpine\n";
    expect(lint(source)).toEqual([expect.objectContaining({ at: "2:14-2:23" })]);
  });

  it("expands with the Windows escape character", () => {
    const source = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:`$notavar-$TAG\n";
    expect(lint(source, { platforms: ["windows/amd64"] })).toEqual([
      expect.objectContaining({ at: "2:53-2:57", message: expect.stringContaining("'TAG'"), platforms: ["windows/amd64"] }),
    ]);
  });

  it("follows IFARCH blocks per target platform", () => {
    const source = "IFARCH arm64\nARG SUFFIX=-arm\nENDIFARCH\nFROM alpine${SUFFIX}\n";
    expect(lint(source)).toEqual([expect.objectContaining({ at: "4:12-4:21", platforms: ["linux/amd64"] })]);
  });

  it("treats a build arg for an undeclared name as still undeclared", () => {
    expect(lint("FROM alpine:$TAG\n", { buildArgs: { TAG: "3.20" } })).toEqual([expect.objectContaining({ at: "1:13-1:17" })]);
  });
});
