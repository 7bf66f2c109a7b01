import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/ReservedStageName.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endColumn, message }) => ({ line, column, endColumn, message }));

describe("ReservedStageName", () => {
  it("finds `scratch` and `context` as stage names and points at the name", () => {
    const findings = lintWith(rule, "\nFROM scratch AS scratch\nFROM scratch AS context\n");
    expect(findings.map(({ rule: name, severity, line, column, endColumn, message, platforms }) => ({ name, severity, line, column, endColumn, message, platforms }))).toEqual([
      {
        name: "ReservedStageName",
        severity: "warning",
        line: 2,
        column: 17,
        endColumn: 24,
        message: 'Stage name should not use the same name as reserved stage "scratch": rename the stage, since \'scratch\' already means the empty base image',
        platforms: ["linux/amd64", "linux/arm64"],
      },
      {
        name: "ReservedStageName",
        severity: "warning",
        line: 3,
        column: 17,
        endColumn: 24,
        message: 'Stage name should not use the same name as reserved stage "context": rename the stage, since \'context\' already means the build context',
        platforms: ["linux/amd64", "linux/arm64"],
      },
    ]);
  });

  it("compares the lower-cased name, whatever the case of the keywords", () => {
    expect(at("from alpine as Scratch\n").map((f) => f.message.split(":")[0])).toEqual(['Stage name should not use the same name as reserved stage "scratch"']);
  });

  it("accepts scratch as a base and names that only contain a reserved word", () => {
    expect(at("FROM scratch\nFROM scratch AS a\nFROM alpine AS scratchpad\nFROM alpine AS build-context\n")).toEqual([]);
  });

  it("finds the name on a continuation line, also under the Windows escape character", () => {
    expect(at("FROM alpine \\\n  AS context\n")).toEqual([{ line: 2, column: 6, endColumn: 13, message: expect.stringContaining('"context"') }]);
    expect(at("# escape=`\nFROM alpine `\n  AS context\n").map((f) => f.line)).toEqual([3]);
  });
});
