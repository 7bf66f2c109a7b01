import { describe, expect, it } from "vitest";
import { WorkdirRelativePath } from "../../../src/lint/rules/WorkdirRelativePath.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, options?: LintWith) =>
  lintWith(WorkdirRelativePath, source, options).map(({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({
    rule,
    severity,
    at: `${line}:${column}-${endLine}:${endColumn}`,
    message,
    platforms,
  }));

describe("WorkdirRelativePath", () => {
  it("reports the first WORKDIR of a stage when it is relative (BuildKit's example)", () => {
    expect(lint("FROM scratch\nWORKDIR app/\n")).toEqual([
      {
        rule: "WorkdirRelativePath",
        severity: "warning",
        at: "2:9-2:13",
        message: `Relative workdir "app/" can have unexpected results if the base image changes; use an absolute path such as "/app/"`,
        platforms: ["linux/amd64", "linux/arm64"],
      },
    ]);
  });

  it("accepts relative paths after an absolute WORKDIR, also in a stage built FROM that stage", () => {
    expect(lint("FROM alpine\nWORKDIR /app\nWORKDIR sub\n")).toEqual([]);
    expect(lint("FROM scratch AS a\nWORKDIR /app\n\nFROM a AS b\nWORKDIR subdir/\n")).toEqual([]);
  });

  it("reports only the first relative WORKDIR: fixing it fixes the rest", () => {
    expect(lint("FROM alpine\nWORKDIR src\nWORKDIR ./build\n").map((finding) => finding.at)).toEqual(["2:9-2:12"]);
  });

  it("does not take an image's or another unrelated stage's WORKDIR into account", () => {
    const source = "FROM alpine AS a\nWORKDIR /app\n\nFROM alpine AS b\nCOPY --from=a /app /app\nWORKDIR app\n";
    expect(lint(source)).toEqual([expect.objectContaining({ at: "6:9-6:12", message: expect.stringContaining('"app"') })]);
  });

  it("checks the path after variable expansion", () => {
    expect(lint("FROM alpine\nARG DIR=/srv\nWORKDIR $DIR/www\n")).toEqual([]);
    expect(lint('FROM alpine\nARG DIR=srv\nWORKDIR "${DIR}/www"\n')).toEqual([
      expect.objectContaining({ at: "3:9-3:21", message: expect.stringContaining('Relative workdir "srv/www"') }),
    ]);
    expect(lint("FROM alpine\nWORKDIR ${HOME:-/root}\n")).toEqual([]);
  });

  it("follows the path across continuation lines", () => {
    expect(lint("FROM alpine\nWORKDIR \\\n  app\n")).toEqual([expect.objectContaining({ at: "3:3-3:6" })]);
  });

  it("treats C: and backslash paths as absolute on Windows only", () => {
    const source = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\app\n";
    expect(lint(source, { platforms: ["windows/amd64"] })).toEqual([]);
    expect(lint(source, { platforms: ["linux/amd64", "windows/amd64"] })).toEqual([
      expect.objectContaining({
        at: "3:9-3:15",
        message: `Relative workdir "C:\\\\app" can have unexpected results if the base image changes; a drive letter path is absolute on Windows only, and this stage builds for linux/amd64`,
        platforms: ["linux/amd64"],
      }),
    ]);
    expect(lint("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR app\n", { platforms: ["windows/amd64"] })).toEqual([
      expect.objectContaining({ message: `Relative workdir "app" can have unexpected results if the base image changes; use an absolute path such as "C:\\\\app"` }),
    ]);
    expect(lint("# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR \\app\n", { platforms: ["windows/amd64"] })).toEqual([]);
  });

  it("reports per target when IFARCH blocks differ", () => {
    const source = "FROM alpine\nIFARCH arm64\nWORKDIR /opt\nENDIFARCH\nWORKDIR app\n";
    expect(lint(source)).toEqual([expect.objectContaining({ at: "5:9-5:12", platforms: ["linux/amd64"] })]);
  });
});
