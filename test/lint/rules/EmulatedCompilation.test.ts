import { describe, expect, it } from "vitest";
import { EmulatedCompilation } from "../../../src/lint/rules/EmulatedCompilation.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(EmulatedCompilation, source, options);

function at(source: string, needle: string): { line: number; column: number } {
  const index = source.indexOf(needle);
  const before = source.slice(0, index).split("\n");
  return { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
}

describe("EmulatedCompilation", () => {
  it("reports go build running under emulation for the non-native target, with the plan's cost", () => {
    const source = `FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ...at(source, "go build"), platforms: ["linux/arm64"] });
    expect(findings[0]?.message).toContain("linux/arm64: ~300 s emulated vs ~60 s native");
    expect(findings[0]?.message).toContain("FROM --platform=$BUILDPLATFORM");
  });

  it("is quiet for a stage already on the build platform and for non-compiler steps", () => {
    expect(lint(`FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n`)).toEqual([]);
    expect(lint(`FROM debian\nRUN apt-get update && apt-get install -y curl\n`)).toEqual([]);
  });

  it("is quiet when a worker runs the target natively", () => {
    expect(lint(`FROM golang\nRUN go build -o /app .\n`, { workers: ["linux/amd64", "linux/arm64"] })).toEqual([]);
  });

  it("finds cargo, dotnet and C compilers, also in heredocs", () => {
    expect(lint(`FROM rust\nRUN cargo build --release\n`)[0]?.message).toContain("`cargo build`");
    expect(lint(`FROM mcr.microsoft.com/dotnet/sdk\nRUN dotnet publish -c Release -o /app\n`)[0]?.message).toContain("-a $TARGETARCH");
    const source = `FROM gcc\nRUN <<EOF\nset -e\ngcc -O2 -o /usr/bin/hello hello.c\nEOF\n`;
    expect(lint(source)[0]).toMatchObject(at(source, "gcc -O2"));
  });

  it("does not count a compiler that is only installed or asked for its version", () => {
    expect(lint(`FROM debian\nRUN apt-get install -y gcc && gcc --version\n`)).toEqual([]);
  });

  it("does not count a compiler that only runs on another architecture", () => {
    expect(lint(`FROM debian\nRUN [ "$(uname -m)" = "x86_64" ] && gcc -m32 -o /exit32 exit32.s || true\n`)).toEqual([]);
  });

  it("reports a RUN whose mount compiles a stage with RUN steps of its own", () => {
    const source = `FROM --platform=$BUILDPLATFORM alpine AS gen\nRUN echo gen > /x\nFROM golang\nRUN --mount=from=gen,target=/gen go build -o /app .\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ...at(source, "go build"), platforms: ["linux/arm64"] });
    expect(findings[0]?.message).toContain("linux/arm64: ~300 s emulated");
  });

  it("reports each emulated platform with its own estimate", () => {
    const findings = lint(`FROM golang\nRUN go build -o /app .\n`, { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"] });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.platforms).toEqual(["linux/arm64", "linux/arm/v7"]);
    expect(findings[0]?.message).toContain("linux/arm/v7: ~360 s emulated");
  });
});
