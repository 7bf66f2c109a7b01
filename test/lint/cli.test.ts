import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

const broken = "FROM alpine\nENV PATH\n";

function files(entries: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "dfc-lint-"));
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("dfc lint", () => {
  it("prints file:line:col: severity Rule: message with a caret, and exits 1 on errors", () => {
    const result = runCli(["lint", "-"], { input: broken });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("<stdin>:2:5: error SyntaxError: ENV must have two arguments");
    expect(result.stdout).toMatch(/\n {4}ENV PATH\n {8}\^~~~\n/);
  });

  it("emits one JSON object per finding with the documented fields", () => {
    const result = runCli(["lint", "--format", "json", "-"], { input: broken });
    const findings = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(Object.keys(findings[0] ?? {}).sort()).toEqual(["column", "endColumn", "endLine", "file", "line", "message", "platforms", "rule", "severity", "url"].sort());
  });

  it("writes GitHub annotations", () => {
    const result = runCli(["lint", "--format", "github", "-"], { input: broken });
    expect(result.stdout).toMatch(/^::error file=<stdin>,line=2,col=5,endLine=2,endColumn=9,title=SyntaxError::ENV must have two arguments\n$/);
  });

  it("lints every file even when one has a syntax error, and exits 2 when one cannot be read", () => {
    const dir = files({ "a.Dockerfile": broken, "b.Dockerfile": "FROM alpine AS Build\nCMD [\"x\"]\n" });
    const result = runCli(["lint", "--format", "json", "--error-on", "never", join(dir, "a.Dockerfile"), join(dir, "missing"), join(dir, "b.Dockerfile")]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("cannot read");
    const rules = (JSON.parse(result.stdout) as { rule: string; file: string }[]).map((finding) => `${finding.file.split("/").pop()}:${finding.rule}`);
    expect(rules).toContain("a.Dockerfile:SyntaxError");
    expect(rules).toContain("b.Dockerfile:StageNameCasing");
  });

  it("--error-on sets the exit threshold", () => {
    const dir = files({ Dockerfile: "FROM alpine AS Build\nCMD [\"x\"]\n" });
    expect(runCli(["lint", join(dir, "Dockerfile")]).status).toBe(0);
    expect(runCli(["lint", "--error-on", "warning", join(dir, "Dockerfile")]).status).toBe(1);
  });

  it("reads .dfc.json: rules can be switched off, and unknown rule names are a usage error", () => {
    const dir = files({ Dockerfile: "FROM alpine AS Build\nCMD [\"x\"]\n", "off.json": '{"rules":{"StageNameCasing":"off"}}', "typo.json": '{"rules":{"StageNameCasng":"off"}}' });
    const off = runCli(["lint", "--format", "json", "--config", join(dir, "off.json"), join(dir, "Dockerfile")]);
    expect(JSON.parse(off.stdout)).toEqual([]);
    const typo = runCli(["lint", "--config", join(dir, "typo.json"), join(dir, "Dockerfile")]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("unknown rule: StageNameCasng");
  });

  it("honours # check=skip and # dfc-ignore", () => {
    const skipped = runCli(["lint", "--format", "json", "-"], { input: "# check=skip=StageNameCasing\nFROM alpine AS Build\nCMD [\"x\"]\n" });
    expect(JSON.parse(skipped.stdout)).toEqual([]);
    const ignored = runCli(["lint", "--format", "json", "-"], { input: "# dfc-ignore StageNameCasing\nFROM alpine AS Build\nCMD [\"x\"]\n" });
    expect(JSON.parse(ignored.stdout)).toEqual([]);
  });

  it("reports a finding only for the platforms it applies to", () => {
    const result = runCli(["lint", "--format", "json", "--platform", "linux/amd64,linux/arm64", "-"], {
      input: "FROM alpine\nIFARCH arm64\nRUN echo $TARGETARCH\nENDIFARCH\n",
    });
    const findings = JSON.parse(result.stdout) as { rule: string; platforms: string[] }[];
    const target = findings.find((finding) => finding.rule === "TargetArgNotDeclared");
    expect(target?.platforms).toEqual(["linux/arm64"]);
  });
});
