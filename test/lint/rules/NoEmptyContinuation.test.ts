import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/NoEmptyContinuation.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endLine, endColumn, message }) => ({ line, column, endLine, endColumn, message }));

describe("NoEmptyContinuation", () => {
  it("finds the blank line inside a continued instruction (BuildKit's example)", () => {
    const findings = lintWith(rule, "\nFROM scratch\n# warning: empty continuation line\nCOPY Dockerfile \\\n\n.\nCOPY Dockerfile \\\n.\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "NoEmptyContinuation",
      severity: "warning",
      line: 5,
      column: 1,
      endLine: 5,
      endColumn: 1,
      message:
        "Empty continuation line: delete the blank line inside this continued COPY (a comment line may stay); BuildKit will reject them in a future release",
      platforms: ["linux/amd64", "linux/arm64"],
    });
  });

  it("reports each instruction once, naming its other blank lines", () => {
    const source = "FROM alpine\nRUN apk add \\\n\n    curl \\\n   \n    git \\\n\n    jq\nRUN a \\\n\n  b\n";
    expect(at(source)).toEqual([
      { line: 3, column: 1, endLine: 3, endColumn: 1, message: expect.stringMatching(/^Empty continuation line \(also lines 5 and 7\): delete the blank lines inside this continued RUN/) },
      { line: 10, column: 1, endLine: 10, endColumn: 1, message: expect.stringMatching(/^Empty continuation line: /) },
    ]);
  });

  it("counts a line of blanks as empty and covers it", () => {
    expect(at("FROM alpine\nRUN a \\\n  \t\n  b\n")).toEqual([{ line: 3, column: 1, endLine: 3, endColumn: 4, message: expect.any(String) }]);
  });

  it("accepts comment lines inside a continuation", () => {
    expect(at("FROM alpine\nRUN a \\\n# a comment\n  && b \\\n    # indented comment\n  && c\n")).toEqual([]);
  });

  it("works with the Windows escape character", () => {
    const source = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN dir `\n\n    C:\\\n";
    expect(at(source)).toEqual([{ line: 4, column: 1, endLine: 4, endColumn: 1, message: expect.stringContaining("continued RUN") }]);
  });

  it("does not treat blank lines of a heredoc body as continuation lines", () => {
    expect(at("FROM alpine\nRUN <<EOF\necho a\n\necho b\nEOF\n")).toEqual([]);
    const source = "FROM alpine\nRUN \\\n\n  <<EOF cat\nx\n\nEOF\n";
    expect(at(source)).toEqual([{ line: 3, column: 1, endLine: 3, endColumn: 1, message: expect.stringMatching(/^Empty continuation line: /) }]);
  });

  it("checks ONBUILD triggers and instructions before the first FROM", () => {
    const source = "ARG A=1 \\\n\n  B=2\nFROM alpine\nONBUILD RUN a \\\n\n  b\n";
    expect(at(source).map((f) => [f.line, f.message.match(/continued (\w+)/)?.[1]])).toEqual([
      [2, "ARG"],
      [6, "ONBUILD"],
    ]);
  });

  it("handles CRLF line endings", () => {
    expect(at("FROM alpine\r\nRUN a \\\r\n\r\n  b\r\n")).toEqual([{ line: 3, column: 1, endLine: 3, endColumn: 1, message: expect.any(String) }]);
  });

  it("accepts continuations without blank lines", () => {
    expect(at("FROM alpine\nRUN a \\\n  b \\\n  c\n\nRUN d\n")).toEqual([]);
  });
});
