import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/ExposeInvalidFormat.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const at = (source: string, options?: LintWith) =>
  lintWith(rule, source, options).map(({ line, column, endColumn, message, platforms }) => ({ line, column, endColumn, message, platforms }));
const ALL = ["linux/amd64", "linux/arm64"];

describe("ExposeInvalidFormat", () => {
  it("finds an IP address with a host port and points at the port", () => {
    const findings = lintWith(rule, "FROM alpine\nEXPOSE 127.0.0.1:80:80\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "ExposeInvalidFormat",
      severity: "warning",
      line: 2,
      column: 8,
      endLine: 2,
      endColumn: 23,
      message:
        "EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80': expose only the container port (EXPOSE 80) and publish it when the container runs (docker run -p 127.0.0.1:80:80)",
      platforms: ALL,
    });
  });

  it("finds a host-port mapping, an IPv6 address and a mapping with a protocol", () => {
    expect(at("FROM alpine\nexpose 80 8080:80 [::1]:5353:53/udp\n").map((f) => [f.column, f.message.split(": expose")[0]])).toEqual([
      [11, "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'"],
      [19, "EXPOSE instruction should not define an IP address or host-port mapping, found '[::1]:5353:53/udp'"],
    ]);
    expect(at("FROM alpine\nEXPOSE 8080:80/udp\n").map((f) => f.message)).toEqual([expect.stringContaining("(EXPOSE 80/udp)")]);
  });

  it("checks the port after variables are expanded", () => {
    expect(at("FROM alpine\nARG HOST_PORT=8080\nEXPOSE ${HOST_PORT}:80 $NOTSET\n")).toEqual([
      { line: 3, column: 8, endColumn: 23, message: expect.stringContaining("found '8080:80'"), platforms: ALL },
    ]);
  });

  it("finds ports on continuation lines, also under the Windows escape character", () => {
    expect(at("FROM alpine\nEXPOSE 80 \\\n  8080:80\n").map((f) => [f.line, f.column])).toEqual([[3, 3]]);
    expect(at("# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nEXPOSE 80 `\n  8080:80\n").map((f) => [f.line, f.column])).toEqual([[4, 3]]);
  });

  it("accepts container ports, ranges and protocols", () => {
    expect(at("FROM alpine\nEXPOSE 80 443/tcp 53/udp 8000-8010\n")).toEqual([]);
  });

  it("leaves invalid ports to the compiler", () => {
    expect(at("FROM alpine\nEXPOSE 8080: 1.2.3.4:80:80/http\n")).toEqual([]);
  });

  it("reports per platform when IFARCH blocks differ", () => {
    const source = "FROM alpine\nIFARCH amd64\nEXPOSE 8080:80\nENDIFARCH\nEXPOSE 9090:90\n";
    expect(at(source).map((f) => [f.line, f.platforms])).toEqual([
      [3, ["linux/amd64"]],
      [5, ALL],
    ]);
  });

  it("does not check ONBUILD triggers", () => {
    expect(at("FROM alpine\nONBUILD EXPOSE 8080:80\n")).toEqual([]);
  });
});
