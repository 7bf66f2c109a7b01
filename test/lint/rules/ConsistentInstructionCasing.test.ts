import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/ConsistentInstructionCasing.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endColumn, message }) => ({ line, column, endColumn, message }));

describe("ConsistentInstructionCasing", () => {
  it("finds a mixed-case keyword and points at it", () => {
    const findings = lintWith(rule, "\n# warning: 'FROM' should be either lowercased or uppercased\nFrom scratch as base\nFROM scratch AS base2\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "ConsistentInstructionCasing",
      severity: "warning",
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 5,
      message: "Command 'From' should match the case of the command majority (uppercase): write 'FROM'",
      platforms: ["linux/amd64", "linux/arm64"],
    });
  });

  it("follows the majority: upper case", () => {
    expect(at("FROM scratch\ncopy Dockerfile /foo\nCOPY Dockerfile /bar\n")).toEqual([
      { line: 2, column: 1, endColumn: 5, message: "Command 'copy' should match the case of the command majority (uppercase): write 'COPY'" },
    ]);
    expect(at("from scratch\nCOPY Dockerfile /foo\nCOPY Dockerfile /bar\nCOPY Dockerfile /baz\n").map((f) => f.message)).toEqual([
      "Command 'from' should match the case of the command majority (uppercase): write 'FROM'",
    ]);
  });

  it("follows the majority: lower case", () => {
    expect(at("frOM scratch as base\nfrom scratch as base2\n").map((f) => f.message)).toEqual([
      "Command 'frOM' should match the case of the command majority (lowercase): write 'from'",
    ]);
    expect(at("FROM scratch\ncopy Dockerfile /foo\ncopy Dockerfile /bar\ncopy Dockerfile /baz\n")).toEqual([
      { line: 1, column: 1, endColumn: 5, message: "Command 'FROM' should match the case of the command majority (lowercase): write 'from'" },
    ]);
  });

  it("breaks a tie in favour of upper case", () => {
    expect(at("FROM alpine\nrun true\n").map((f) => [f.line, f.message])).toEqual([
      [2, "Command 'run' should match the case of the command majority (uppercase): write 'RUN'"],
    ]);
  });

  it("accepts files in one case", () => {
    expect(at("from scratch\ncopy Dockerfile /foo\ncopy Dockerfile /bar\n")).toEqual([]);
    expect(at("FROM scratch\nCOPY Dockerfile /foo\nCOPY Dockerfile /bar\n")).toEqual([]);
  });

  it("does not read heredoc bodies or ONBUILD triggers as keywords", () => {
    expect(at("FROM alpine\nRUN <<'EOT'\nenv\nEOT\nONBUILD run make\n")).toEqual([]);
  });

  it("leaves global ARGs before the first FROM out, as BuildKit does", () => {
    expect(at("arg VERSION=1\nFROM alpine\nRUN true\n")).toEqual([]);
    expect(at("ARG VERSION=1\nfrom alpine\nrun true\n")).toEqual([]);
  });

  it("checks keywords on continuation lines and under the Windows escape character", () => {
    const source = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN dir `\n  C:\\\nworkdir C:\\app\nCOPY . .\n";
    expect(at(source)).toEqual([{ line: 5, column: 1, endColumn: 8, message: expect.stringContaining("write 'WORKDIR'") }]);
  });

  it("counts dfc's IFARCH keywords like any other", () => {
    const source = "FROM alpine\nifarch arm64\nRUN true\nendifarch\n";
    expect(at(source).map((f) => [f.line, f.message])).toEqual([
      [2, "Command 'ifarch' should match the case of the command majority (uppercase): write 'IFARCH'"],
      [4, "Command 'endifarch' should match the case of the command majority (uppercase): write 'ENDIFARCH'"],
    ]);
  });

  it("counts keywords across all stages", () => {
    const source = "FROM golang AS build\nRUN go build\nfrom alpine\nCOPY --from=build /app /app\n";
    expect(at(source).map((f) => f.line)).toEqual([3]);
  });
});
