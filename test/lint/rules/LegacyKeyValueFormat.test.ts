import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/LegacyKeyValueFormat.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endColumn, message }) => ({ line, column, endColumn, message }));
const prefix = (keyword: string): string => `"${keyword} key=value" should be used instead of legacy "${keyword} key value" format: `;

describe("LegacyKeyValueFormat", () => {
  it("finds ENV and LABEL in the legacy form and points at the key", () => {
    const findings = lintWith(rule, "\nFROM scratch\nENV testkey value\nLABEL key value\n");
    expect(findings[0]).toMatchObject({ rule: "LegacyKeyValueFormat", severity: "warning", line: 3, column: 5, endLine: 3, endColumn: 12, platforms: ["linux/amd64", "linux/arm64"] });
    expect(at("\nFROM scratch\nENV testkey value\nLABEL key value\n")).toEqual([
      { line: 3, column: 5, endColumn: 12, message: `${prefix("ENV")}write ENV testkey=value` },
      { line: 4, column: 7, endColumn: 10, message: `${prefix("LABEL")}write LABEL key=value` },
    ]);
  });

  it("accepts the key=value form", () => {
    expect(at('FROM scratch\nENV testkey=value\nLABEL key=value other="a b"\nENV A=1 \\\n    B=2\n')).toEqual([]);
  });

  it("keeps the keyword as written", () => {
    expect(at("from alpine\nenv PATH /opt/bin:$PATH\n").map((f) => f.message)).toEqual([`${prefix("env")}write env PATH=/opt/bin:$PATH`]);
  });

  it("quotes a value with blanks, and keeps a value that is already one quoted word", () => {
    expect(at('FROM alpine\nENV SCUBA 1 DUBA 3\nENV SCUBA "1 DUBA 3"\nLABEL maintainer James "j@example.com"\n').map((f) => f.message)).toEqual([
      `${prefix("ENV")}write ENV SCUBA="1 DUBA 3"`,
      `${prefix("ENV")}write ENV SCUBA="1 DUBA 3"`,
      `${prefix("LABEL")}write LABEL maintainer="<value>", with '=' between the key and the value and the value quoted, since it has blanks`,
    ]);
  });

  it("describes the fix for a value continued over lines", () => {
    const source = "FROM alpine\nENV DEPS \\\n    autoconf \\\n    make\n";
    expect(at(source)).toEqual([
      { line: 2, column: 5, endColumn: 9, message: `${prefix("ENV")}write ENV DEPS="<value>", with '=' between the key and the value and the value quoted, since it has blanks` },
    ]);
  });

  it("uses the file's escape character to tell one word from several", () => {
    const source = "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nENV JAVA_HOME C:\\openjdk-21\nENV ARGS a` b\n";
    expect(at(source).map((f) => [f.line, f.message])).toEqual([
      [3, `${prefix("ENV")}write ENV JAVA_HOME=C:\\openjdk-21`],
      [4, `${prefix("ENV")}write ENV ARGS=a\` b`],
    ]);
  });

  it("finds the key on a continuation line", () => {
    expect(at("FROM alpine\nENV \\\n  NAME value\n")).toEqual([{ line: 3, column: 3, endColumn: 7, message: `${prefix("ENV")}write ENV NAME=value` }]);
  });

  it("checks every stage, including ones the target does not build", () => {
    const source = "FROM scratch AS a\n\nFROM a AS b\nENV testkey value\nLABEL key value\n\nFROM a AS c\n";
    expect(at(source).map((f) => f.line)).toEqual([4, 5]);
  });

  it("does not check ONBUILD triggers, which run in a child image", () => {
    expect(at("FROM alpine\nONBUILD ENV key value\n")).toEqual([]);
  });
});
