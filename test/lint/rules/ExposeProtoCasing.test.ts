import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/ExposeProtoCasing.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const at = (source: string, options?: LintWith) =>
  lintWith(rule, source, options).map(({ line, column, endColumn, message, platforms }) => ({ line, column, endColumn, message, platforms }));
const ALL = ["linux/amd64", "linux/arm64"];

describe("ExposeProtoCasing", () => {
  it("finds an upper-case protocol and points at the port", () => {
    const findings = lintWith(rule, "FROM alpine\nEXPOSE 80/TCP\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "ExposeProtoCasing",
      severity: "warning",
      line: 2,
      column: 8,
      endLine: 2,
      endColumn: 14,
      message: "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase: write '80/tcp'",
      platforms: ALL,
    });
  });

  it("checks each port of the instruction on its own", () => {
    expect(at("FROM alpine\nexpose 80/tcp 53/UDP 8000-8010/Sctp 443\n")).toEqual([
      { line: 2, column: 15, endColumn: 21, message: "Defined protocol '53/UDP' in EXPOSE instruction should be lowercase: write '53/udp'", platforms: ALL },
      { line: 2, column: 22, endColumn: 36, message: "Defined protocol '8000-8010/Sctp' in EXPOSE instruction should be lowercase: write '8000-8010/sctp'", platforms: ALL },
    ]);
  });

  it("checks the port after quotes are removed and variables expanded", () => {
    expect(at('FROM alpine\nEXPOSE "80/TCP"\n').map((f) => f.message)).toEqual([expect.stringContaining("'80/TCP'")]);
    expect(at("FROM alpine\nARG PROTO=TCP\nENV PORT=8080\nEXPOSE ${PORT}/${PROTO}\n")).toEqual([
      { line: 4, column: 8, endColumn: 24, message: "Defined protocol '8080/TCP' in EXPOSE instruction should be lowercase: write '8080/tcp'", platforms: ALL },
    ]);
  });

  it("uses each platform's values", () => {
    const source = "FROM alpine\nIFARCH arm64\nARG PROTO=UDP\nENDIFARCH\nIFARCH amd64\nARG PROTO=udp\nENDIFARCH\nEXPOSE 53/$PROTO\n";
    expect(at(source)).toEqual([{ line: 8, column: 8, endColumn: 17, message: expect.stringContaining("'53/UDP'"), platforms: ["linux/arm64"] }]);
  });

  it("finds ports on continuation lines, also under the Windows escape character", () => {
    expect(at("FROM alpine\nEXPOSE 80 \\\n    443/TCP\n").map((f) => [f.line, f.column])).toEqual([[3, 5]]);
    expect(at("# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nEXPOSE 80 `\n  443/TCP\n").map((f) => [f.line, f.column])).toEqual([[4, 3]]);
  });

  it("checks the protocol of a port with a host mapping too", () => {
    expect(at("FROM alpine\nEXPOSE 127.0.0.1:80:80/TCP\n").map((f) => f.message)).toEqual([
      "Defined protocol '127.0.0.1:80:80/TCP' in EXPOSE instruction should be lowercase: write '127.0.0.1:80:80/tcp'",
    ]);
  });

  it("accepts lower-case protocols and ports without one", () => {
    expect(at("FROM alpine\nEXPOSE 80 443/tcp 53/udp 9000-9010/sctp\n")).toEqual([]);
  });

  it("leaves invalid protocols and empty ports to the compiler", () => {
    expect(at("FROM alpine\nEXPOSE 80/HTTP /TCP\n")).toEqual([]);
  });

  it("does not check ONBUILD triggers or words in other instructions", () => {
    expect(at("FROM alpine\nONBUILD EXPOSE 80/TCP\nRUN echo 80/TCP\n")).toEqual([]);
  });

  it("checks a port with variables only in stages the target builds", () => {
    const source = "FROM alpine AS unused\nARG PROTO=TCP\nEXPOSE 80/$PROTO 81/TCP\nFROM alpine\n";
    expect(at(source).map((f) => f.message)).toEqual([expect.stringContaining("'81/TCP'")]);
  });
});
