import { describe, expect, it } from "vitest";
import { TagArchNotCovered } from "../../../src/lint/rules/TagArchNotCovered.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(TagArchNotCovered, source, options);

describe("TagArchNotCovered", () => {
  it("reports a TAGARCH name the enclosing IFARCH does not select, at the name", () => {
    const findings = lint(`FROM scratch\nIFARCH arm7 arm8\nCOPY app /app\nTAGARCH arm7 arm8 rpi\nENDIFARCH\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 4, column: 19, endColumn: 22 });
    expect(findings[0]?.message).toContain("IFARCH arm7 arm8` (line 2) does not select it");
    expect(findings[0]?.message).toContain("linux/arm/v6");
  });

  it("is quiet when the block selects every TAGARCH name (aliases included)", () => {
    expect(lint(`FROM scratch\nIFARCH armv7l aarch64 armel\nCOPY app /app\nTAGARCH arm7 arm64 rpi\nENDIFARCH\n`)).toEqual([]);
  });

  it("checks every enclosing block, and negations", () => {
    const source = `FROM scratch\nIFARCH arm arm64 rpi\nIFARCH !rpi\nCOPY app /app\nTAGARCH arm7 arm64 rpi\nENDIFARCH\nENDIFARCH\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("IFARCH !rpi");
  });
});
