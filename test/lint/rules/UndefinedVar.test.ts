import { describe, expect, it } from "vitest";
import type { ImageResolver } from "../../../src/compile/image-config.js";
import { EMPTY_CONFIG } from "../../../src/compile/image-config.js";
import { UndefinedVar } from "../../../src/lint/rules/UndefinedVar.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, options?: LintWith) =>
  lintWith(UndefinedVar, source, options).map(({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({
    rule,
    severity,
    at: `${line}:${column}-${endLine}:${endColumn}`,
    message,
    platforms,
  }));

const at = (source: string, options?: LintWith) => lint(source, options).map((finding) => finding.at);

const BOTH = ["linux/amd64", "linux/arm64"];

/** Knows every image, with the given environment. */
const knownImages = (env: readonly string[] = []): ImageResolver => ({ lookup: () => ({ status: "known", config: { ...EMPTY_CONFIG, env } }) });

describe("UndefinedVar", () => {
  it("reports a variable used before its ARG (BuildKit's example), at the variable", () => {
    expect(lint("FROM scratch\nCOPY $foo .\nARG foo=bar\nRUN echo $foo\n")).toEqual([
      {
        rule: "UndefinedVar",
        severity: "warning",
        at: "2:6-2:10",
        message: `Usage of undefined variable '$foo'; declare it with "ARG foo" or set it with ENV before this instruction`,
        platforms: BOTH,
      },
    ]);
  });

  it("suggests a near name from the environment", () => {
    const source = "FROM scratch\nARG DIR_BINARIES=binaries/\nARG DIR_ASSETS=assets/\nCOPY $DIR_ASSET .\n";
    expect(lint(source)).toEqual([
      expect.objectContaining({
        at: "4:6-4:16",
        message: `Usage of undefined variable '$DIR_ASSET' (did you mean $DIR_ASSETS?); correct the name, or declare it with "ARG DIR_ASSET" or set it with ENV before this instruction`,
      }),
    ]);
    expect(lint("FROM scratch\nENV PATH=$PAHT:/tmp/bin\n")).toEqual([
      expect.objectContaining({ at: "2:10-2:15", message: expect.stringContaining("'$PAHT' (did you mean $PATH?)") }),
    ]);
  });

  it("accepts declared ARGs without a value, ENV, and the image's PATH", () => {
    expect(lint("FROM scratch\nARG foo\nCOPY Dockerfile${foo} .\n")).toEqual([]);
    expect(lint("FROM scratch\nENV DIR=/app\nWORKDIR $DIR\nENV PATH=$PATH:$DIR/bin\n")).toEqual([]);
  });

  it("keeps the ARGs of the stage a stage is built FROM", () => {
    expect(lint("FROM scratch AS base\nARG foo=Dockerfile\nARG bar\n\nFROM base\nCOPY $foo $bar/ .\n")).toEqual([]);
  });

  it("does not look at the shell's variables in RUN, CMD and ENTRYPOINT", () => {
    expect(lint('FROM scratch\nRUN echo $HOME\nCMD echo $USER\nENTRYPOINT ["sh", "-c", "echo $X"]\nEXPOSE $PORT\n')).toEqual([]);
  });

  it("reports quoted, braced and defaulted forms, once per name and instruction", () => {
    const source = 'FROM scratch\nCOPY "${A}" ${B:-b} $A ${C:+c} /dst/\n';
    expect(lint(source).map((finding) => [finding.at, finding.message.slice(0, 32)])).toEqual([
      ["2:7-2:11", "Usage of undefined variable '$A'"],
      ["2:13-2:16", "Usage of undefined variable '$B'"],
      ["2:24-2:27", "Usage of undefined variable '$C'"],
    ]);
  });

  it("ignores escaped dollars and single quotes", () => {
    expect(lint("FROM scratch\nENV A=\\$NOTVAR B='$NOTEITHER'\n")).toEqual([]);
  });

  it("checks ENV and LABEL keys and values, USER, VOLUME, STOPSIGNAL, WORKDIR and copy flags", () => {
    const source = [
      "FROM scratch",
      "LABEL $K=v",
      "USER $U",
      "VOLUME /data/$V",
      "STOPSIGNAL $S",
      "WORKDIR /$W",
      "COPY --chown=$O --chmod=$M src /dst",
      "ADD --checksum=$SUM https://example.com/a.tgz /",
      "",
    ].join("\n");
    expect(lint(source).map((finding) => /'\$(\w+)'/.exec(finding.message)?.[1])).toEqual(["K", "U", "V", "S", "W", "O", "M", "SUM"]);
  });

  it("checks ARG defaults in order, unless a build arg replaces them", () => {
    expect(at("FROM scratch\nARG VERSION=$foo\n")).toEqual(["2:13-2:17"]);
    expect(at("FROM scratch\nARG A=1 B=$A\n")).toEqual([]);
    expect(at("FROM scratch\nARG VERSION=$foo\n", { buildArgs: { VERSION: "1" } })).toEqual([]);
  });

  it("checks RUN --mount options but not the command", () => {
    expect(lint("FROM scratch\nRUN --mount=type=cache,target=/root/$CACHE echo $NOT\n")).toEqual([
      expect.objectContaining({ at: "2:37-2:43", message: expect.stringContaining("'$CACHE'") }),
    ]);
  });

  it("checks heredoc bodies that expand, raw, and not quoted ones", () => {
    expect(at("FROM scratch\nCOPY <<EOT /x\nhello '$NAME'\nEOT\n")).toEqual(["3:8-3:13"]);
    expect(at("FROM scratch\nCOPY <<'EOT' /x\nhello $NAME\nEOT\n")).toEqual([]);
    expect(at("FROM scratch\nRUN <<EOT\necho $NAME\nEOT\n")).toEqual([]);
  });

  it("points at the variable on a continuation line", () => {
    expect(at("FROM scratch\nENV A=1 \\\n    B=$MISSING\n")).toEqual(["3:7-3:15"]);
  });

  it("uses the Windows escape character", () => {
    const source = "# escape=`\nFROM scratch\nENV A=`$NOTVAR B=$X\n";
    expect(at(source)).toEqual(["3:18-3:20"]);
  });

  it("reports an automatic platform ARG that the stage did not declare", () => {
    expect(lint("FROM alpine\nCOPY bin-$TARGETARCH /usr/bin/app\n")).toEqual([
      expect.objectContaining({ at: "2:10-2:21", message: expect.stringContaining("'$TARGETARCH'") }),
    ]);
    expect(lint("FROM alpine\nARG TARGETARCH\nCOPY bin-$TARGETARCH /usr/bin/app\n")).toEqual([]);
  });

  it("without image metadata, leaves names the base image may define", () => {
    expect(lint("FROM golang\nWORKDIR $GOPATH/src\nENV LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/opt/lib\n")).toEqual([]);
    // A name the file declares elsewhere cannot be left to the image.
    expect(at("ARG VERSION=1\nFROM golang\nRUN true\nCOPY app-$VERSION /\n")).toEqual(["4:10-4:18"]);
    expect(at("FROM golang\nCOPY $DIR_ASSET .\nARG DIR_ASSETS=assets/\n")).toEqual(["2:6-2:16"]);
  });

  it("with image metadata, knows the base image's environment", () => {
    const resolver = knownImages(["GOPATH=/go"]);
    expect(lint("FROM golang\nWORKDIR $GOPATH/src\nENV X=$NOPE\n", { extra: { resolver } })).toEqual([
      expect.objectContaining({ at: "3:7-3:12", message: expect.stringContaining("'$NOPE'") }),
    ]);
  });

  it("reports per target platform when IFARCH changes what is declared", () => {
    const source = "FROM scratch\nIFARCH amd64\nARG LIB=lib64\nENDIFARCH\nCOPY $LIB /lib\n";
    expect(lint(source)).toEqual([expect.objectContaining({ at: "5:6-5:10", platforms: ["linux/arm64"] })]);
  });

  it("checks every stage the target needs, and each once", () => {
    const source = "FROM scratch AS a\nCOPY $X /x\n\nFROM scratch\nCOPY --from=a /x /x\nCOPY $Y /y\n";
    expect(at(source)).toEqual(["2:6-2:8", "6:6-6:8"]);
  });

  it("does not carry global ARGs into a stage that does not declare them", () => {
    expect(lint("ARG VERSION=1\nFROM scratch\nCOPY app-$VERSION /\n")).toEqual([
      expect.objectContaining({ at: "3:10-3:18", message: expect.stringContaining("'$VERSION'") }),
    ]);
    expect(lint("ARG VERSION=1\nFROM scratch\nARG VERSION\nCOPY app-$VERSION /\n")).toEqual([]);
  });

  it("skips commands replayed from the base image's ONBUILD triggers", () => {
    const resolver: ImageResolver = { lookup: () => ({ status: "known", config: { ...EMPTY_CONFIG, onbuild: ["COPY $FROM_TRIGGER /x"] } }) };
    expect(lint("FROM base-with-triggers\nCOPY $MINE /y\n", { extra: { resolver } })).toEqual([
      expect.objectContaining({ at: "2:6-2:11", message: expect.stringContaining("'$MINE'") }),
    ]);
  });

  it("does not report BuildKit's SBOM scan args", () => {
    expect(lint("FROM scratch\nLABEL scan=$BUILDKIT_SBOM_SCAN_STAGE\n")).toEqual([]);
  });
});
