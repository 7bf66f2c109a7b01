import { describe, expect, it } from "vitest";
import { HardcodedArchitecture } from "../../../src/lint/rules/HardcodedArchitecture.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(HardcodedArchitecture, source, options);

function at(source: string, needle: string): { line: number; column: number } {
  const index = source.indexOf(needle);
  const before = source.slice(0, index).split("\n");
  return { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
}

describe("HardcodedArchitecture", () => {
  it("reports an architecture in a download URL of a stage built for several architectures", () => {
    const source = `FROM alpine\nRUN wget -O /usr/bin/tini https://github.com/krallin/tini/releases/download/v0.19.0/tini-static-amd64\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ...at(source, "amd64\n"), endColumn: at(source, "amd64\n").column + 5, platforms: ["linux/arm64"] });
    expect(findings[0]?.message).toContain("also built for linux/arm64");
    expect(findings[0]?.message).toContain("${TARGETARCH}");
  });

  it("is quiet for a single-platform build and for a stage pinned to one platform", () => {
    const source = `FROM alpine\nRUN wget https://example.com/tool-linux-amd64.tar.gz\n`;
    expect(lint(source, { platforms: ["linux/amd64"] })).toEqual([]);
    expect(lint(`FROM --platform=linux/amd64 alpine\nRUN wget https://example.com/tool-linux-amd64.tar.gz\n`)).toEqual([]);
    expect(lint(`FROM --platform=$BUILDPLATFORM alpine\nRUN wget https://example.com/tool-linux-amd64.tar.gz\n`)).toEqual([]);
  });

  it("leaves words that use a platform variable alone", () => {
    expect(lint(`FROM alpine\nARG TARGETARCH\nRUN wget "https://example.com/tool-\${TARGETARCH}.tar.gz"\n`)).toEqual([]);
  });

  it("leaves case arms and if/&& branches that test the architecture alone", () => {
    const source = `FROM debian
RUN set -eux; \\
    arch="$(dpkg --print-architecture)"; \\
    case "$arch" in \\
      amd64) url='https://example.com/go-linux-amd64.tgz' ;; \\
      arm64|aarch64) url='https://example.com/go-linux-arm64.tgz' ;; \\
    esac; \\
    wget -O go.tgz "$url"; \\
    if [ "$arch" = amd64 ]; then wget https://example.com/extra-amd64.deb; fi; \\
    [ "$(uname -m)" = x86_64 ] && wget https://example.com/only-x86_64.bin || true
`;
    expect(lint(source)).toEqual([]);
  });

  it("leaves loops over architectures and commands that enumerate several alone", () => {
    expect(lint(`FROM alpine\nRUN for a in amd64 arm64; do wget https://example.com/tool-amd64-to-$a; done\n`)).toEqual([]);
    expect(lint(`FROM golang\nRUN go run ./gen.go bin/archutil/amd64 bin/archutil/arm64 bin/archutil/riscv64\n`)).toEqual([]);
  });

  it("accepts cross toolchains, multiarch packages, triples and --platform values", () => {
    const source = `FROM debian
RUN dpkg --add-architecture arm64 && apt-get update && apt-get install -y \\
      gcc-aarch64-linux-gnu binutils-x86-64-linux-gnu libc6-dev-arm64-cross zlib1g-dev:arm64 crossbuild-essential-armhf && \\
    ./configure --host=aarch64-linux-gnu && \\
    docker pull --platform linux/amd64 alpine
`;
    expect(lint(source)).toEqual([]);
  });

  it("ignores sed expressions and comments", () => {
    expect(lint(`FROM alpine\nARG TARGETARCH\nRUN echo $TARGETARCH | sed -e s/amd64/x86_64/ -e s/arm64/aarch64/ # amd64 only in tests\n`)).toEqual([]);
  });

  it("reports packages of one architecture and multiarch library paths", () => {
    const source = `FROM ubuntu\nRUN apt-get install -y linux-headers-amd64 \\\n && ln -s /usr/lib/x86_64-linux-gnu/libz.so /usr/lib/libz.so\n`;
    const findings = lint(source);
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [at(source, "amd64").line, at(source, "amd64").column],
      [at(source, "x86_64").line, at(source, "x86_64").column],
    ]);
  });

  it("treats 32-bit x86 packages as fine on amd64 only", () => {
    const findings = lint(`FROM ubuntu\nRUN apt-get install -y libc6-i386\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.platforms).toEqual(["linux/arm64"]);
  });

  it("reports ADD URLs, COPY paths and ENV paths", () => {
    const source = `FROM alpine\nADD https://example.com/tini-arm64 /tini\nCOPY --from=builder /out/linux_amd64/app /app\nENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64\n`;
    const findings = lint(source.replace("COPY --from=builder ", "COPY "));
    expect(findings.map((f) => [f.line, f.platforms])).toEqual([
      [2, ["linux/amd64"]],
      [3, ["linux/arm64"]],
      [4, ["linux/arm64"]],
    ]);
  });

  it("reports a target flag with a fixed architecture (dotnet -r, cargo --target, GOARCH=)", () => {
    const findings = lint(`FROM mcr.microsoft.com/dotnet/sdk\nRUN dotnet publish -r linux-x64 -o /app && GOARCH=amd64 go build -o /bin/x .\n`);
    expect(findings.map((f) => f.message.match(/^`([^`]+)`/)?.[1])).toEqual(["x64", "amd64"]);
  });

  it("reports FROM images named for one architecture, not those with --platform", () => {
    const source = `FROM arm64v8/ubuntu:24.04\nRUN true\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 1, column: 6, endColumn: 13, platforms: ["linux/amd64"] });
    expect(lint(`FROM --platform=linux/arm64 arm64v8/ubuntu:24.04\nRUN true\n`)).toEqual([]);
    expect(lint(`FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-amd64\n`)).toHaveLength(1);
  });

  it("skips IFARCH blocks and stages named for the architecture", () => {
    expect(lint(`FROM alpine\nIFARCH amd64\nRUN wget https://example.com/tool-amd64\nENDIFARCH\n`)).toEqual([]);
    expect(lint(`FROM debian AS exit-amd64\nCOPY fixtures/exit.amd64.S .\n`)).toEqual([]);
  });

  it("skips Windows-only Dockerfiles linted for Linux platforms", () => {
    const source = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN Invoke-WebRequest -OutFile x.zip https://example.com/tool-win-x64.zip\n";
    expect(lint(source)).toEqual([]);
  });

  it("maps positions in continuation lines and reports per platform", () => {
    const source = `FROM alpine\nRUN apk add curl && \\\n    curl -fsSLo /usr/local/bin/jq \\\n      https://github.com/jqlang/jq/releases/download/jq-1.7/jq-linux-armhf\n`;
    const findings = lint(source, { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ...at(source, "armhf"), platforms: ["linux/amd64", "linux/arm64"] });
  });
});
