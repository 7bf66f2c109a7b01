import { describe, expect, it } from "vitest";
import { DeadIfArchBlock } from "../../../src/lint/rules/DeadIfArchBlock.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(DeadIfArchBlock, source, options);

describe("DeadIfArchBlock", () => {
  it("reports a block no requested platform keeps", () => {
    const findings = lint(`FROM alpine\nIFARCH riscv64\nRUN echo a\nRUN echo b\nENDIFARCH\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 2, column: 1, severity: "warning" });
    expect(findings[0]?.message).toContain("its 2 instructions are never built");
    expect(findings[0]?.message).toContain("linux/amd64, linux/arm64");
  });

  it("is quiet for blocks some platform keeps, including negated ones", () => {
    expect(lint(`FROM alpine\nIFARCH arm64\nRUN true\nENDIFARCH\nIFARCH !amd64\nRUN true\nENDIFARCH\n`)).toEqual([]);
  });

  it("reports a negation that excludes everything requested", () => {
    expect(lint(`FROM alpine\nIFARCH !amd64\nRUN true\nENDIFARCH\n`, { platforms: ["linux/amd64"] })).toHaveLength(1);
  });

  it("reports only the outermost dead block, and nested blocks dead inside live ones", () => {
    const findings = lint(`FROM alpine\nIFARCH s390x\nIFARCH s390x\nRUN true\nENDIFARCH\nENDIFARCH\nIFARCH arm64\nIFARCH amd64\nRUN true\nENDIFARCH\nENDIFARCH\n`);
    expect(findings.map((f) => f.line)).toEqual([2, 8]);
  });

  it("counts the platform a TAGARCH group is built for", () => {
    const source = `FROM scratch\nIFARCH arm7 arm8 rpi\nIFARCH rpi\nADD rootfs-armv6.tar /\nENDIFARCH\nTAGARCH arm7 arm8 rpi\nENDIFARCH\n`;
    expect(lint(source, { platforms: ["linux/arm64"] })).toEqual([]);
  });

  it("leaves blocks with unknown names to UnknownArchitecture", () => {
    expect(lint(`FROM alpine\nIFARCH sparc\nRUN true\nENDIFARCH\n`)).toEqual([]);
  });
});
