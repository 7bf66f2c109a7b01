import { describe, expect, it } from "vitest";
import { CopyIgnoredFile } from "../../../src/lint/rules/CopyIgnoredFile.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, dockerignore: readonly string[], options: LintWith = {}) =>
  lintWith(CopyIgnoredFile, source, { experimental: true, dockerignore, ...options }).map(
    ({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({ rule, severity, at: `${line}:${column}-${endLine}:${endColumn}`, message, platforms }),
  );

/** The paths reported for one source path (BuildKit's validateCopySourcePath test table). */
const copied = (source: string, patterns: readonly string[], add = false): string[] =>
  lint(`FROM scratch\n${add ? "ADD" : "COPY"} ${source} /dst/\n`, patterns).map((finding) => /file "([^"]*)"/.exec(finding.message)?.[1] ?? "?");

describe("CopyIgnoredFile", () => {
  it("reports COPY and ADD of an excluded file, at the source (BuildKit's test)", () => {
    expect(lint("FROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n", ["Dockerfile"])).toEqual([
      {
        rule: "CopyIgnoredFile",
        severity: "warning",
        at: "2:6-2:16",
        message:
          'Attempting to Copy file "Dockerfile" that is excluded by .dockerignore; remove the matching pattern (or add an exception such as "!Dockerfile") to .dockerignore, or stop copying it',
        platforms: ["linux/amd64", "linux/arm64"],
      },
      expect.objectContaining({ at: "3:5-3:15", message: expect.stringContaining('Attempting to Add file "Dockerfile" that is excluded') }),
    ]);
  });

  it("is experimental and needs a .dockerignore", () => {
    expect(lintWith(CopyIgnoredFile, "FROM scratch\nCOPY Dockerfile .\n", { dockerignore: ["Dockerfile"] })).toEqual([]);
    expect(lintWith(CopyIgnoredFile, "FROM scratch\nCOPY Dockerfile .\n", { experimental: true })).toEqual([]);
    expect(lint("FROM scratch\nCOPY Dockerfile .\n", [])).toEqual([]);
  });

  it("does not check COPY --from, URLs, git sources or heredocs", () => {
    const source = "FROM scratch AS base\nCOPY Dockerfile /foobar\nFROM base\nCOPY --from=base /foobar /Dockerfile\nADD https://example.com/foobar /\nADD git@github.com:moby/foobar.git /src\nCOPY <<foobar /x\nhi\nfoobar\n";
    expect(lint(source, ["foobar"])).toEqual([]);
  });

  it("follows BuildKit's table of negations", () => {
    expect(copied("sub/a.txt", ["sub"])).toEqual(["sub/a.txt"]);
    expect(copied("sub/a.txt", ["sub"], true)).toEqual(["sub/a.txt"]);
    expect(copied("other.txt", ["sub"])).toEqual([]);
    expect(copied("sub/a.txt", ["sub", "!sub/b.txt"])).toEqual(["sub/a.txt"]);
    expect(copied("sub/a.txt", ["sub", "!other.txt"])).toEqual(["sub/a.txt"]);
    expect(copied("sub/a.txt", ["!sub/b.txt", "sub"])).toEqual(["sub/a.txt"]);
    expect(copied("sub/a.txt", ["sub", "!other/*.txt"])).toEqual(["sub/a.txt"]);
    expect(copied("sub", ["sub", "!sub/keep.txt"])).toEqual([]);
    expect(copied("sub", ["sub", "!sub/nested/keep.txt"])).toEqual([]);
    expect(copied("sub", ["sub", "!sub/*.txt"])).toEqual([]);
    expect(copied("sub", ["sub", "!*/keep.txt"])).toEqual([]);
    expect(copied("sub/keep.txt", ["sub", "!sub/keep.txt"])).toEqual([]);
    expect(copied("sub/a.txt", ["**", "!sub"])).toEqual([]);
  });

  it("reports the context root only when everything is excluded", () => {
    expect(copied(".", ["*"])).toEqual(["."]);
    expect(copied(".", ["**", "!Dockerfile"])).toEqual([]);
    expect(copied(".", [".*"])).toEqual([]);
    expect(copied("./", ["node_modules"])).toEqual([]);
  });

  it("matches wildcards, ** and parent directories as patternmatcher does", () => {
    expect(copied("docs/README.md", ["*.md"])).toEqual([]);
    expect(copied("docs/README.md", ["**/*.md"])).toEqual(["docs/README.md"]);
    expect(copied("./tmp/file.txt", ["*/tmp/*"])).toEqual([]);
    expect(copied("a/tmp/file.txt", ["*/tmp/*"])).toEqual(["a/tmp/file.txt"]);
    expect(copied("build/out/bin", ["build/**"])).toEqual(["build/out/bin"]);
    expect(copied("x/y/node_modules", ["**/node_modules"])).toEqual(["x/y/node_modules"]);
    expect(copied("file1.txt", ["file?.txt"])).toEqual(["file1.txt"]);
    expect(copied("fileA.txt", ["file[0-9].txt"])).toEqual([]);
  });

  it("reads .dockerignore lines as BuildKit does: comments, blanks, leading slashes, trailing slashes", () => {
    const patterns = ["# a comment", "", "  /build/  ", "!/build/keep"];
    expect(copied("build/out", patterns)).toEqual(["build/out"]);
    expect(copied("build/keep", patterns)).toEqual([]);
  });

  it("checks the source after variable expansion, per target", () => {
    const source = "FROM scratch\nARG TARGETARCH\nCOPY bin/${TARGETARCH}/app /app\n";
    expect(lint(source, ["bin/arm64"])).toEqual([expect.objectContaining({ at: "3:6-3:27", message: expect.stringContaining('"bin/arm64/app"'), platforms: ["linux/arm64"] })]);
  });

  it("cleans the path it reports and points at the source across continuation lines", () => {
    expect(lint("FROM scratch\nCOPY ./a.txt \\\n     ./secrets/../.env \\\n     /dst/\n", [".env"])).toEqual([
      expect.objectContaining({ at: "3:6-3:23", message: expect.stringContaining('Attempting to Copy file ".env"') }),
    ]);
  });

  it("checks JSON-form sources and the Windows escape character", () => {
    expect(copied('["secret.key"]', ["*.key"])).toEqual([]);
    expect(lint('FROM scratch\nCOPY ["secret.key", "/dst/"]\n', ["*.key"])).toEqual([expect.objectContaining({ at: "2:7-2:19" })]);
    expect(lint("# escape=`\nFROM scratch\nCOPY cert.pem /c/\n", ["*.pem"])).toHaveLength(1);
  });

  it("says nothing when the .dockerignore would make BuildKit fail", () => {
    expect(copied("a", ["a", "!"])).toEqual([]);
  });
});
