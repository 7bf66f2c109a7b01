import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/MaintainerDeprecated.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endColumn, message }) => ({ line, column, endColumn, message }));

describe("MaintainerDeprecated", () => {
  it("finds MAINTAINER and suggests the equivalent label", () => {
    const findings = lintWith(rule, "\nFROM scratch\nMAINTAINER me@example.org\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "MaintainerDeprecated",
      severity: "warning",
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 11,
      message: 'Maintainer instruction is deprecated in favor of using label: replace it with LABEL org.opencontainers.image.authors="me@example.org"',
      platforms: ["linux/amd64", "linux/arm64"],
    });
  });

  it("finds it in any case and in every stage", () => {
    const source = "FROM alpine AS a\nmaintainer Jane Doe <jane@example.com>\nFROM alpine\nMaintainer Bob\n";
    expect(at(source)).toEqual([
      { line: 2, column: 1, endColumn: 11, message: expect.stringContaining('authors="Jane Doe <jane@example.com>"') },
      { line: 4, column: 1, endColumn: 11, message: expect.stringContaining('authors="Bob"') },
    ]);
  });

  it("suggests a template when the text would need escaping", () => {
    expect(at('FROM alpine\nMAINTAINER "Jane" <jane@example.com>\n').map((f) => f.message)).toEqual([
      'Maintainer instruction is deprecated in favor of using label: replace it with LABEL org.opencontainers.image.authors="<author>"',
    ]);
  });

  it("finds MAINTAINER continued over lines, and under the Windows escape character", () => {
    expect(at("FROM alpine\nMAINTAINER \\\n  Jane\n")).toEqual([{ line: 2, column: 1, endColumn: 11, message: expect.stringContaining('authors="Jane"') }]);
    expect(at("# escape=`\nFROM alpine\nMAINTAINER C:\\Users\\jane\n").map((f) => f.message)).toEqual([expect.stringContaining('authors="<author>"')]);
  });

  it("reports MAINTAINER before the first FROM too, as BuildKit does before its error", () => {
    expect(at("MAINTAINER me\nFROM alpine\n").map((f) => f.line)).toEqual([1]);
  });

  it("accepts the label and mentions of MAINTAINER elsewhere", () => {
    expect(at('FROM scratch\nLABEL org.opencontainers.image.authors="me@example.org"\nRUN echo MAINTAINER\nRUN <<EOF\nMAINTAINER x\nEOF\n')).toEqual([]);
  });
});
