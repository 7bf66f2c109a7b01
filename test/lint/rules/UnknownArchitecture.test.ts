import { describe, expect, it } from "vitest";
import { lintSource } from "../../../src/lint/lint.js";
import { UnknownArchitecture } from "../../../src/lint/rules/UnknownArchitecture.js";
import { parsePlatform } from "../../../src/platform/index.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(UnknownArchitecture, source, options);

describe("UnknownArchitecture", () => {
  it("reports an unknown IFARCH name at the name and suggests the nearest one", () => {
    const findings = lint(`FROM alpine\nIFARCH amd64 aarch46\nRUN true\nENDIFARCH\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", line: 2, column: 14, endColumn: 21 });
    expect(findings[0]?.message).toContain('Did you mean "aarch64"?');
  });

  it("replaces the compile error at the same position", () => {
    const all = lintSource("Dockerfile", `FROM alpine\nIFARCH x86_46\nRUN true\nENDIFARCH\n`, {
      platforms: [parsePlatform("linux/amd64")],
      buildPlatform: parsePlatform("linux/amd64"),
      rules: [UnknownArchitecture],
    });
    expect(all.map((finding) => finding.rule)).toEqual(["UnknownArchitecture"]);
  });

  it("checks TAGARCH and negated names, and says so when nothing is close", () => {
    const findings = lint(`FROM alpine\nIFARCH !sparc arm7\nTAGARCH arm7 raspberry\nENDIFARCH\n`);
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [2, 8],
      [3, 14],
    ]);
    expect(findings[1]?.message).toContain("Use a known name");
  });

  it("accepts every known spelling, in any case", () => {
    expect(lint(`FROM alpine\nIFARCH X86_64 aarch64 armhf rpi i686 ppc64el\nRUN true\nENDIFARCH\n`)).toEqual([]);
  });
});
