import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/MultipleInstructionsDisallowed.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endColumn, message, platforms }) => ({ line, column, endColumn, message, platforms }));
const ALL = ["linux/amd64", "linux/arm64"];
const message = (name: string, kind: string, line: number): string =>
  `Multiple ${name} instructions should not be used in the same stage because only the last one will be used: this one is overridden by the ${kind} on line ${line}, so remove it`;

describe("MultipleInstructionsDisallowed", () => {
  it("finds repeated ENTRYPOINT, CMD and HEALTHCHECK and points at the overridden one", () => {
    const source = '\nFROM scratch\nENTRYPOINT ["/myapp"]\nENTRYPOINT ["/myotherapp"]\nCMD ["/myapp"]\nCMD ["/myotherapp"]\nHEALTHCHECK CMD ["/myapp"]\nHEALTHCHECK CMD ["/myotherapp"]\n';
    const findings = lintWith(rule, source);
    expect(findings[0]).toMatchObject({ rule: "MultipleInstructionsDisallowed", severity: "warning", line: 3, column: 1, endLine: 3, endColumn: 11 });
    expect(at(source)).toEqual([
      { line: 3, column: 1, endColumn: 11, message: message("ENTRYPOINT", "ENTRYPOINT", 4), platforms: ALL },
      { line: 5, column: 1, endColumn: 4, message: message("CMD", "CMD", 6), platforms: ALL },
      { line: 7, column: 1, endColumn: 12, message: message("HEALTHCHECK", "HEALTHCHECK", 8), platforms: ALL },
    ]);
  });

  it("finds them when other instructions, heredocs included, come between", () => {
    const source =
      '\nFROM scratch\nENTRYPOINT ["/myapp"]\nCMD ["/myapp"]\nHEALTHCHECK CMD ["/myapp"]\nCOPY <<EOF /a.txt\nHello, World!\nEOF\nENTRYPOINT ["/myotherapp"]\nCMD ["/myotherapp"]\nHEALTHCHECK CMD ["/myotherapp"]\n';
    expect(at(source).map((f) => f.line)).toEqual([3, 4, 5]);
  });

  it("treats each stage on its own, even one built FROM another", () => {
    const source = '\nFROM scratch AS a\nENTRYPOINT ["/myapp"]\nCMD ["/myapp"]\nHEALTHCHECK CMD ["/myapp"]\n\nFROM a AS b\nENTRYPOINT ["/myotherapp"]\nCMD ["/myotherapp"]\nHEALTHCHECK CMD ["/myotherapp"]\n';
    expect(at(source)).toEqual([]);
  });

  it("names the later instruction as written and reports every overridden one", () => {
    expect(at('FROM alpine\nCMD ["a"]\ncmd ["b"]\nCMD c\n')).toEqual([
      { line: 2, column: 1, endColumn: 4, message: message("cmd", "CMD", 3), platforms: ALL },
      { line: 3, column: 1, endColumn: 4, message: message("CMD", "CMD", 4), platforms: ALL },
    ]);
  });

  it("counts HEALTHCHECK NONE as a HEALTHCHECK", () => {
    expect(at("FROM alpine\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n").map((f) => f.line)).toEqual([2]);
  });

  it("reads instructions continued over lines, also under the Windows escape character", () => {
    expect(at('FROM alpine\nCMD \\\n  ["a"]\nCMD ["b"]\n')).toEqual([{ line: 2, column: 1, endColumn: 4, message: message("CMD", "CMD", 4), platforms: ALL }]);
    expect(at('# escape=`\nFROM alpine\nENTRYPOINT `\n  ["a"]\nENTRYPOINT ["b"]\n').map((f) => f.line)).toEqual([3]);
  });

  it("does not count ONBUILD triggers, which run in a child image", () => {
    expect(at('FROM alpine\nONBUILD CMD ["a"]\nCMD ["b"]\nONBUILD HEALTHCHECK NONE\n')).toEqual([]);
  });

  it("accepts one of each", () => {
    expect(at('FROM alpine\nENTRYPOINT ["a"]\nCMD ["b"]\nHEALTHCHECK CMD true\n')).toEqual([]);
  });

  it("reads stages per platform: IFARCH blocks for different platforms never meet", () => {
    const exclusive = 'FROM alpine\nIFARCH amd64\nCMD ["x86"]\nENDIFARCH\nIFARCH arm64\nCMD ["arm"]\nENDIFARCH\n';
    expect(at(exclusive)).toEqual([]);
    const overlapping = 'FROM alpine\nCMD ["default"]\nIFARCH arm64\nCMD ["arm"]\nENDIFARCH\n';
    expect(at(overlapping)).toEqual([{ line: 2, column: 1, endColumn: 4, message: message("CMD", "CMD", 4), platforms: ["linux/arm64"] }]);
  });
});
