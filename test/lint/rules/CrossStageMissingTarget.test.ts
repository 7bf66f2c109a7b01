import { describe, expect, it } from "vitest";
import { CrossStageMissingTarget } from "../../../src/lint/rules/CrossStageMissingTarget.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(CrossStageMissingTarget, source, options);

function at(source: string, needle: string): { line: number; column: number } {
  const index = source.indexOf(needle);
  const before = source.slice(0, index).split("\n");
  return { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
}

describe("CrossStageMissingTarget", () => {
  it("reports go build on $BUILDPLATFORM without a target, copied into the image", () => {
    const source = `FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\nFROM alpine\nCOPY --from=build /out/app /usr/local/bin/app\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ...at(source, "CGO_ENABLED"), platforms: ["linux/arm64"] });
    expect(findings[0]?.message).toContain("GOOS=$TARGETOS GOARCH=$TARGETARCH");
    expect(findings[0]?.message).toContain("linux/arm64 image gets linux/amd64 binaries");
  });

  it("reports a declared but unused TARGETARCH", () => {
    expect(lint(`FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETARCH\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n`)).toHaveLength(1);
  });

  it("is quiet when the build uses the target: flags, ENV, xx, heredoc", () => {
    const base = (lines: string): string => `FROM --platform=$BUILDPLATFORM golang AS build\n${lines}\nFROM scratch\nCOPY --from=build /app /app\n`;
    expect(lint(base(`ARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=\${TARGETARCH} go build -o /app .`))).toEqual([]);
    expect(lint(base(`ARG TARGETARCH\nENV GOARCH=$TARGETARCH\nRUN go build -o /app .`))).toEqual([]);
    expect(lint(base(`ARG TARGETPLATFORM\nRUN xx-go --wrap\nRUN go build -o /app .`))).toEqual([]);
    expect(lint(base(`ARG TARGETARCH\nRUN <<EOF\nexport GOARCH="$TARGETARCH"\ngo build -o /app .\nEOF`))).toEqual([]);
  });

  it("is quiet when the copy picks a per-target path (all architectures were built)", () => {
    const source = `FROM --platform=$BUILDPLATFORM golang AS build\nRUN for a in amd64 arm64; do GOARCH=$a go build -o /out/$a/app .; done\nFROM alpine\nARG TARGETARCH\nCOPY --from=build /out/$TARGETARCH/app /app\n`;
    expect(lint(source)).toEqual([]);
  });

  it("is quiet when the output only feeds other build-platform stages (a build tool)", () => {
    const source = `FROM --platform=$BUILDPLATFORM golang AS tool\nRUN go install example.com/gen@latest\nFROM --platform=$BUILDPLATFORM golang AS build\nCOPY --from=tool /go/bin/gen /usr/bin/gen\nARG TARGETARCH\nRUN gen && GOARCH=$TARGETARCH go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n`;
    expect(lint(source)).toEqual([]);
  });

  it("follows the output through a FROM scratch carrier stage", () => {
    const source = `FROM --platform=$BUILDPLATFORM rust AS build\nRUN cargo build --release\nFROM scratch AS bin\nCOPY --from=build /target/release/app /app\nFROM debian AS final\nCOPY --from=bin /app /usr/bin/app\nRUN app --version\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("`cargo build`");
    expect(findings[0]?.message).toContain('"final"');
  });

  it("only reports self-contained dotnet publish (framework-dependent IL runs anywhere)", () => {
    const base = (flags: string): string => `FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk AS build\nRUN dotnet publish ${flags} -o /app\nFROM mcr.microsoft.com/dotnet/runtime\nCOPY --from=build /app /app\n`;
    expect(lint(base("-c Release"))).toEqual([]);
    expect(lint(base("-c Release --self-contained"))).toHaveLength(1);
  });

  it("is quiet when every target is the build platform, and reports each other target", () => {
    const source = `FROM --platform=$BUILDPLATFORM golang AS build\nRUN go build -o /app .\nFROM alpine\nCOPY --from=build /app /app\n`;
    expect(lint(source, { platforms: ["linux/amd64"] })).toEqual([]);
    expect(lint(source, { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"] })[0]?.platforms).toEqual(["linux/arm64", "linux/arm/v7"]);
  });
});
