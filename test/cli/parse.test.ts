import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseOutputSchema } from "../../src/syntax/schema.js";
import { runCli } from "./run-cli.js";

const conformance = (path: string): string => fileURLToPath(new URL(`../conformance/buildkit/${path}`, import.meta.url));

describe("dfc parse", () => {
  it("prints BuildKit's dump with --format buildkit", () => {
    const result = runCli(["parse", "--format", "buildkit", conformance("parser/flags/Dockerfile")]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(readFileSync(conformance("parser/flags/result"), "utf8"));
  });

  it("prints the syntax tree as JSON that matches the published schema", () => {
    const result = runCli(["parse", "-f", conformance("parser/docker/Dockerfile")]);
    expect(result.status).toBe(0);
    const output = parseOutputSchema.parse(JSON.parse(result.stdout));
    expect(output.file).toBe(conformance("parser/docker/Dockerfile"));
    expect(output.dockerfile.body.length).toBeGreaterThan(10);
  });

  it("reads standard input for -", () => {
    const result = runCli(["parse", "--format", "buildkit", "-"], { input: "FROM scratch\nIFARCH arm64\nCOPY a /\nENDIFARCH\n" });
    expect(result.stdout).toBe('(from "scratch")\n(ifarch "arm64")\n(copy "a" "/")\n(endifarch)\n');
  });

  it("reports a syntax error with file:line:col and a caret, exit 1, nothing on stdout", () => {
    const result = runCli(["parse", "-"], { input: "FROM alpine\n\nENV PATH\n" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("<stdin>:3:5: error: ENV must have two arguments\n    ENV PATH\n        ^~~~\n");
  });

  it("points at both ends of an unclosed IFARCH block", () => {
    const result = runCli(["parse", "-"], { input: "FROM scratch\nIFARCH amd64\nRUN true\n" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("<stdin>:2:1: error: IFARCH without a matching ENDIFARCH");
    expect(result.stderr).toContain("note: the file ends here, with the block still open");
  });

  it("exits 2 on usage errors, without a stack trace", () => {
    for (const args of [["parse", "--format", "yaml", "-"], ["parse", "--nope"], ["parse", "a", "b"], ["frobnicate"], ["parse", "/no/such/Dockerfile"]]) {
      const result = runCli(args);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^dfc: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("explains itself with --help", () => {
    const result = runCli(["parse", "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: dfc parse");
    expect(runCli(["--help"]).stdout).toContain("parse");
  });
});

describe("dfc schema", () => {
  it("prints the JSON Schema of the syntax tree", () => {
    const result = runCli(["schema", "ast"]);
    expect(result.status).toBe(0);
    const schema = JSON.parse(result.stdout) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toContain("2020-12");
    expect(Object.keys(schema.properties)).toEqual(["schemaVersion", "file", "dockerfile"]);
  });
});
