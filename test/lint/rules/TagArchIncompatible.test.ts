import { describe, expect, it } from "vitest";
import { lintSource } from "../../../src/lint/lint.js";
import { TagArchIncompatible } from "../../../src/lint/rules/TagArchIncompatible.js";
import { parsePlatform } from "../../../src/platform/index.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(TagArchIncompatible, source, options);

describe("TagArchIncompatible", () => {
  it("reports amd64 with arm64 and names the pair", () => {
    const findings = lint(`FROM scratch\nIFARCH amd64 arm64\nCOPY app /app\nTAGARCH amd64 arm64\nENDIFARCH\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", line: 4, column: 1 });
    expect(findings[0]?.message).toContain("no binary runs on both amd64 and arm64");
  });

  it("accepts groups one build can serve", () => {
    expect(lint(`FROM scratch\nIFARCH arm7 arm8 arm8.1 rpi\nCOPY app /app\nTAGARCH arm7 arm8 arm8.1 rpi\nENDIFARCH\n`)).toEqual([]);
    expect(lint(`FROM scratch\nIFARCH amd64 386\nCOPY app /app\nTAGARCH amd64 i386\nENDIFARCH\n`)).toEqual([]);
  });

  it("replaces the compile error for the targets it applies to", () => {
    const all = lintSource("Dockerfile", `FROM scratch\nIFARCH amd64 arm64\nCOPY app /app\nTAGARCH amd64 arm64\nENDIFARCH\n`, {
      platforms: [parsePlatform("linux/amd64"), parsePlatform("linux/arm64")],
      buildPlatform: parsePlatform("linux/amd64"),
      rules: [TagArchIncompatible],
    });
    expect(all.map((finding) => finding.rule)).toEqual(["TagArchIncompatible"]);
  });

  it("leaves unknown names to UnknownArchitecture", () => {
    expect(lint(`FROM scratch\nIFARCH amd64\nTAGARCH amd64 sparc\nENDIFARCH\n`)).toEqual([]);
  });
});
