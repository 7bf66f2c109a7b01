import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/DuplicateStageName.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endColumn, message, platforms }) => ({ line, column, endColumn, message, platforms }));
const ALL = ["linux/amd64", "linux/arm64"];

describe("DuplicateStageName", () => {
  it("finds a second stage with the same name and points at its name", () => {
    const findings = lintWith(rule, "\nFROM scratch AS b\nFROM scratch AS b\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "DuplicateStageName",
      severity: "warning",
      line: 3,
      column: 17,
      endLine: 3,
      endColumn: 18,
      message: 'Duplicate stage name "b", stage names should be unique: rename this stage or the one on line 2',
      platforms: ALL,
    });
  });

  it("compares names case-insensitively and reports every later duplicate", () => {
    const source = "from alpine as Build\nRUN true\nFROM alpine AS build\nFROM alpine AS other\nFROM alpine AS BUILD\n";
    expect(at(source)).toEqual([
      { line: 3, column: 16, endColumn: 21, message: 'Duplicate stage name "build", stage names should be unique: rename this stage or the one on line 1', platforms: ALL },
      { line: 5, column: 16, endColumn: 21, message: 'Duplicate stage name "build", stage names should be unique: rename this stage or the one on line 1', platforms: ALL },
    ]);
  });

  it("accepts distinct names and unnamed stages", () => {
    expect(at("FROM scratch AS b1\nFROM scratch AS b2\nFROM scratch\nFROM scratch\n")).toEqual([]);
  });

  it("accepts the same name in IFARCH blocks that never apply to the same platform", () => {
    const source = "IFARCH amd64\nFROM alpine AS tools\nRUN echo x86\nENDIFARCH\nIFARCH arm64\nFROM alpine AS tools\nRUN echo arm\nENDIFARCH\nFROM tools\n";
    expect(at(source)).toEqual([]);
  });

  it("reports a duplicate only for the platforms whose build has both stages", () => {
    const source = "FROM alpine AS tools\nIFARCH arm64\nFROM alpine AS tools\nENDIFARCH\nFROM tools\n";
    expect(at(source)).toEqual([{ line: 3, column: 16, endColumn: 21, message: expect.stringContaining('"tools"'), platforms: ["linux/arm64"] }]);
  });

  it("finds names on continuation lines and under the Windows escape character", () => {
    expect(at("FROM alpine AS a\nFROM alpine \\\n  AS a\n")).toEqual([{ line: 3, column: 6, endColumn: 7, message: expect.any(String), platforms: ALL }]);
    expect(at("# escape=`\nFROM alpine AS a\nFROM alpine `\n  AS a\n").map((f) => f.line)).toEqual([4]);
  });

  it("ignores names the compiler rejects anyway", () => {
    expect(at("FROM alpine AS 1st\nFROM alpine AS 1st\n")).toEqual([]);
  });
});
