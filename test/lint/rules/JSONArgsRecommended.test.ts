import { describe, expect, it } from "vitest";
import { EMPTY_CONFIG, type ImageResolver } from "../../../src/compile/image-config.js";
import { rule } from "../../../src/lint/rules/JSONArgsRecommended.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const at = (source: string, options?: LintWith) =>
  lintWith(rule, source, options).map(({ line, column, endLine, endColumn, message, platforms }) => ({ line, column, endLine, endColumn, message, platforms }));
const ALL = ["linux/amd64", "linux/arm64"];

describe("JSONArgsRecommended", () => {
  it("finds CMD in shell form and suggests its exec form", () => {
    const findings = lintWith(rule, "\nFROM scratch\nCMD mycommand\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "JSONArgsRecommended",
      severity: "warning",
      line: 3,
      column: 5,
      endLine: 3,
      endColumn: 14,
      message: 'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals: write CMD ["mycommand"]',
      platforms: ALL,
    });
  });

  it("finds ENTRYPOINT in shell form, dropping a leading exec from the suggestion", () => {
    expect(at("FROM alpine\nENTRYPOINT exec nginx -g daemon-off --port=80\n").map((f) => f.message)).toEqual([
      'JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals: write ENTRYPOINT ["nginx", "-g", "daemon-off", "--port=80"]',
    ]);
  });

  it("gives general advice when the command uses shell syntax", () => {
    const messages = at("FROM alpine\nCMD cd /app && ./run.sh\nCMD echo \"$HOME\"\nCMD FOO=1 app\n").map((f) => f.message);
    expect(messages).toHaveLength(3);
    for (const message of messages) {
      expect(message).toBe(
        'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals: use the exec form, CMD ["executable", "arg", …], or choose the shell explicitly with SHELL if one is wanted',
      );
    }
  });

  it("keeps the keyword as written", () => {
    expect(at("from alpine\ncmd run-app\n").map((f) => f.message)).toEqual([
      'JSON arguments recommended for cmd to prevent unintended behavior related to OS signals: write cmd ["run-app"]',
    ]);
  });

  it("reports a bare CMD, which BuildKit runs through the shell", () => {
    expect(at("FROM alpine\nCMD\n")).toEqual([{ line: 2, column: 1, endLine: 2, endColumn: 4, message: expect.stringContaining("use the exec form"), platforms: ALL }]);
  });

  it("covers a command continued over lines, also under the Windows escape character", () => {
    expect(at("FROM alpine\nCMD my-server \\\n    --verbose\n")).toEqual([
      { line: 2, column: 5, endLine: 3, endColumn: 14, message: expect.stringContaining('write CMD ["my-server", "--verbose"]'), platforms: ALL },
    ]);
    expect(at("# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nENTRYPOINT app.exe `\n  -v\n")).toEqual([
      { line: 3, column: 12, endLine: 4, endColumn: 5, message: expect.stringContaining('write ENTRYPOINT ["app.exe", "-v"]'), platforms: ALL },
    ]);
  });

  it("accepts the exec form", () => {
    expect(at('FROM alpine\nCMD ["nginx", "-g", "daemon off;"]\nENTRYPOINT ["/entrypoint.sh"]\nCMD []\n')).toEqual([]);
  });

  it("accepts the shell form once SHELL has chosen the shell, in the stage or in its base stage", () => {
    expect(at('FROM scratch\nSHELL ["/usr/bin/customshell"]\nCMD mycommand\nENTRYPOINT mycommand\n')).toEqual([]);
    expect(at('FROM scratch AS base\nSHELL ["/usr/bin/customshell"]\n\nFROM base\nCMD mycommand\n')).toEqual([]);
    expect(at('FROM scratch AS base\nSHELL ["/bin/bash", "-c"]\nFROM base AS middle\nFROM middle\nENTRYPOINT mycommand\n')).toEqual([]);
  });

  it("still reports a CMD before the SHELL, or in a stage that does not inherit it", () => {
    expect(at('FROM alpine\nCMD early\nSHELL ["/bin/bash", "-c"]\n').map((f) => f.line)).toEqual([2]);
    expect(at('FROM alpine AS a\nSHELL ["/bin/bash", "-c"]\nFROM alpine\nCMD late\n').map((f) => f.line)).toEqual([4]);
  });

  it("follows a base stage named through a build argument", () => {
    expect(at('ARG BASE=with-shell\nFROM alpine AS with-shell\nSHELL ["/bin/bash", "-c"]\nFROM $BASE\nCMD app\n')).toEqual([]);
    expect(at('ARG BASE=with-shell\nFROM alpine AS with-shell\nSHELL ["/bin/bash", "-c"]\nFROM $BASE\nCMD app\n', { buildArgs: { BASE: "alpine" } }).map((f) => f.line)).toEqual([5]);
  });

  it("follows a base stage by name in a stage the target does not build", () => {
    const source = 'FROM alpine AS base\nSHELL ["/bin/ash", "-c"]\nFROM base AS side\nCMD side-app\nFROM alpine\nRUN true\n';
    expect(at(source)).toEqual([]);
  });

  it("uses the base image's SHELL when a resolver knows it", () => {
    const resolver: ImageResolver = { lookup: () => ({ status: "known", config: { ...EMPTY_CONFIG, shell: ["pwsh", "-Command"] } }) };
    expect(at("FROM example.com/pwsh-base\nCMD Write-Host hi\n", { extra: { resolver } })).toEqual([]);
    expect(at("FROM example.com/pwsh-base\nCMD Write-Host hi\n").map((f) => f.line)).toEqual([2]);
  });

  it("reads stages per platform when IFARCH blocks differ", () => {
    const source = 'FROM alpine\nIFARCH amd64\nSHELL ["/bin/bash", "-c"]\nENDIFARCH\nCMD run-app\n';
    expect(at(source)).toEqual([{ line: 5, column: 5, endLine: 5, endColumn: 12, message: expect.stringContaining('write CMD ["run-app"]'), platforms: ["linux/arm64"] }]);
  });

  it("does not check ONBUILD triggers, RUN or HEALTHCHECK", () => {
    expect(at("FROM alpine\nONBUILD CMD echo hi\nRUN echo hi\nHEALTHCHECK CMD curl -f http://localhost/\n")).toEqual([]);
  });
});
