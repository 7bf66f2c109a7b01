import { describe, expect, it } from "vitest";
import { TargetArgNotDeclared } from "../../../src/lint/rules/TargetArgNotDeclared.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(TargetArgNotDeclared, source, options);

describe("TargetArgNotDeclared", () => {
  it("reports $TARGETARCH in a RUN of a stage without ARG TARGETARCH, at the variable", () => {
    const findings = lint(`FROM alpine\nRUN curl -fsSLo /usr/bin/tini https://example.com/tini-$TARGETARCH\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 2, column: 56, endLine: 2, endColumn: 67, severity: "warning", platforms: ["linux/amd64", "linux/arm64"] });
    expect(findings[0]?.message).toContain("ARG TARGETARCH");
    expect(findings[0]?.message).toContain("sees an empty string");
  });

  it("is quiet once the stage declares the ARG", () => {
    expect(lint(`FROM alpine\nARG TARGETARCH\nRUN curl -fsSLo /usr/bin/tini https://example.com/tini-$TARGETARCH\n`)).toEqual([]);
  });

  it("finds quoted and braced forms across continuation lines", () => {
    const findings = lint(`FROM alpine\nRUN set -e; \\\n    echo "\${TARGETOS}" && \\\n    echo "\${TARGETPLATFORM}/x"\n`);
    expect(findings.map((f) => [f.line, f.column, f.endColumn])).toEqual([
      [3, 11, 22],
      [4, 11, 28],
    ]);
  });

  it("reports a literal default only for the platforms it is wrong on", () => {
    const findings = lint(`FROM alpine\nRUN wget https://example.com/app-\${TARGETARCH:-amd64}.tgz\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.platforms).toEqual(["linux/arm64"]);
    expect(findings[0]?.message).toContain('always uses the default "amd64"');
  });

  it("leaves a fallback to a probe alone, and variables the script sets itself", () => {
    expect(lint(`FROM debian\nRUN echo "\${TARGETARCH:-$(dpkg --print-architecture)}"\n`)).toEqual([]);
    expect(lint(`FROM debian\nRUN TARGETARCH="$(dpkg --print-architecture)"; echo $TARGETARCH\n`)).toEqual([]);
  });

  it("says that an ARG before the first FROM does not reach the stage", () => {
    const findings = lint(`ARG TARGETARCH\nFROM alpine\nRUN echo $TARGETARCH\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("before the first FROM");
  });

  it("points out an ARG that comes after the use", () => {
    const findings = lint(`FROM alpine\nRUN echo $BUILDPLATFORM\nARG BUILDPLATFORM\n`);
    expect(findings[0]?.message).toContain("line 3 comes after this use");
  });

  it("checks each stage on its own (multi-stage)", () => {
    const source = `FROM golang AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\nRUN echo $TARGETARCH > /arch\n`;
    const findings = lint(source);
    expect(findings.map((f) => f.line)).toEqual([6]);
  });

  it("reads heredoc scripts, with positions inside the body", () => {
    const findings = lint(`FROM alpine\nRUN <<EOF\nset -e\necho "building for \${TARGETVARIANT}"\nEOF\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 4, column: 20, endColumn: 36 });
  });

  it("reads expanded heredocs fed to other commands, not quoted ones", () => {
    expect(lint(`FROM alpine\nRUN cat <<EOF > /etc/arch\n$TARGETARCH\nEOF\n`)).toHaveLength(1);
    expect(lint(`FROM alpine\nRUN cat <<'EOF' > /usr/local/bin/show\n#!/bin/sh\necho $TARGETARCH\nEOF\n`)).toEqual([]);
  });

  it("reads the script of an exec-form shell", () => {
    const findings = lint(`FROM alpine\nRUN ["sh", "-c", "echo $TARGETARCH"]\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 2, column: 24, endColumn: 35 });
  });

  it("reports CMD text unless ENV persisted the value", () => {
    const bad = lint(`FROM alpine\nARG TARGETARCH\nCMD echo "running on $TARGETARCH"\n`);
    expect(bad).toHaveLength(1);
    expect(bad[0]?.message).toContain("ENV TARGETARCH=$TARGETARCH");
    expect(lint(`FROM alpine\nARG TARGETARCH\nENV TARGETARCH=$TARGETARCH\nCMD echo "running on $TARGETARCH"\n`)).toEqual([]);
  });

  it("applies only to the platforms that build the instruction (IFARCH)", () => {
    const findings = lint(`FROM alpine\nIFARCH arm64\nRUN echo $TARGETVARIANT\nENDIFARCH\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.platforms).toEqual(["linux/arm64"]);
  });

  it("understands cmd and PowerShell references with the Windows escape", () => {
    const source = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo %TARGETARCH% `\n    && powershell -Command Write-Host $env:TARGETOS\n";
    const findings = lint(source, { platforms: ["windows/amd64"] });
    expect(findings.map((f) => [f.line, f.column, f.endColumn])).toEqual([
      [3, 10, 22],
      [4, 39, 52],
    ]);
  });

  it("ignores single-quoted awk fields and escaped dollars", () => {
    expect(lint(`FROM alpine\nRUN echo a | awk '{ print $1 }' && echo \\$TARGETARCH\n`)).toEqual([]);
  });
});
