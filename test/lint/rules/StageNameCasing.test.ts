import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/StageNameCasing.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endLine, endColumn, message }) => ({ line, column, endLine, endColumn, message }));

describe("StageNameCasing", () => {
  it("finds an upper-case stage name and points at the name", () => {
    const findings = lintWith(rule, "FROM alpine AS Builder\nRUN true\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "StageNameCasing",
      severity: "warning",
      line: 1,
      column: 16,
      endLine: 1,
      endColumn: 23,
      message: "Stage name 'Builder' should be lowercase: write 'builder' here and wherever the stage is referenced",
      platforms: ["linux/amd64", "linux/arm64"],
      url: "https://docs.docker.com/go/dockerfile/rule/stage-name-casing/",
    });
  });

  it("checks every stage, whatever the case of FROM and AS", () => {
    const source = "from alpine as BUILD\nFROM busybox AS ok\nFrom debian As Final_Stage\n";
    expect(at(source).map((f) => [f.line, f.column, f.message.split(":")[0]])).toEqual([
      [1, 16, "Stage name 'BUILD' should be lowercase"],
      [3, 16, "Stage name 'Final_Stage' should be lowercase"],
    ]);
  });

  it("follows the name onto a continuation line", () => {
    expect(at("FROM alpine \\\n    AS \\\n    MyStage\n")).toEqual([
      { line: 3, column: 5, endLine: 3, endColumn: 12, message: expect.stringContaining("'MyStage'") },
    ]);
  });

  it("works with the Windows escape character", () => {
    const source = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022 `\n  AS Installer\nRUN dir\n";
    expect(at(source)).toEqual([{ line: 3, column: 6, endLine: 3, endColumn: 15, message: expect.stringContaining("write 'installer'") }]);
  });

  it("reports a stage inside an IFARCH block once, for all platforms", () => {
    const findings = lintWith(rule, "IFARCH arm64\nFROM alpine AS ArmBuild\nENDIFARCH\nFROM alpine\n");
    expect(findings.map((f) => [f.line, f.platforms])).toEqual([[2, ["linux/amd64", "linux/arm64"]]]);
  });

  it("finds the name after FROM flags", () => {
    expect(at("FROM --platform=$BUILDPLATFORM golang:1.23 AS Build\n")).toEqual([
      { line: 1, column: 47, endLine: 1, endColumn: 52, message: expect.stringContaining("'Build'") },
    ]);
  });

  it("accepts lower-case names, names with digits and symbols, and unnamed stages", () => {
    expect(at("FROM alpine AS build-1.x_y\nFROM alpine\nFROM build-1.x_y AS final\n")).toEqual([]);
  });

  it("ignores a FROM that is not `image AS name` (the compiler reports it)", () => {
    expect(at("FROM alpine FOR Builder\n")).toEqual([]);
    expect(at("FROM alpine AS\n")).toEqual([]);
  });

  it("does not look at stage names in an ONBUILD trigger or a heredoc", () => {
    expect(at("FROM alpine\nONBUILD RUN echo FROM x AS Y\nRUN <<EOF\nFROM x AS Y\nEOF\n")).toEqual([]);
  });
});
