import { describe, expect, it } from "vitest";
import { BuildArchProbe } from "../../../src/lint/rules/BuildArchProbe.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(BuildArchProbe, source, options);

function at(source: string, needle: string): { line: number; column: number } {
  const index = source.indexOf(needle);
  const before = source.slice(0, index).split("\n");
  return { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
}

const pinned = (run: string): string => `FROM --platform=$BUILDPLATFORM alpine AS fetch\nRUN ${run}\nFROM alpine\nCOPY --from=fetch /out /usr/local/bin/\n`;

describe("BuildArchProbe", () => {
  it("reports uname -m in a build-platform stage whose files reach the target image", () => {
    const source = pinned(`mkdir /out && wget -O /out/tool "https://example.com/tool-$(uname -m)"`);
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ...at(source, "uname -m"), endColumn: at(source, "uname -m").column + 8, platforms: ["linux/arm64"] });
    expect(findings[0]?.message).toContain('("x86_64")');
    expect(findings[0]?.message).toContain("TARGETARCH");
  });

  it("knows dpkg, apk, arch and go env GOARCH, in substitutions and heredocs", () => {
    const source = `FROM --platform=$BUILDPLATFORM golang AS build\nRUN <<EOF\nA=$(dpkg --print-architecture)\nB=\`arch\`\ngo env GOARCH > /out/goarch\nEOF\nFROM alpine\nCOPY --from=build /out /out\n`;
    expect(lint(source).map((f) => f.line)).toEqual([3, 4, 5]);
  });

  it("is quiet when the stage takes the target into account", () => {
    expect(lint(pinned(`ARCH=$(uname -m); echo "$ARCH $TARGETARCH"`).replace("RUN", "ARG TARGETARCH\nRUN"))).toEqual([]);
    const xx = `FROM --platform=$BUILDPLATFORM tonistiigi/xx AS xx\nFROM --platform=$BUILDPLATFORM golang AS build\nCOPY --from=xx / /\nARG TARGETPLATFORM\nRUN xx-go build -o /out/app . && echo "$(uname -m)"\nFROM alpine\nCOPY --from=build /out/app /app\n`;
    expect(lint(xx)).toEqual([]);
  });

  it("is quiet in target stages, in build stages nobody copies into a target, and when building for the build platform", () => {
    expect(lint(`FROM alpine\nRUN wget "https://example.com/tool-$(uname -m)"\n`)).toEqual([]);
    expect(lint(`FROM --platform=$BUILDPLATFORM alpine AS lint\nRUN echo "$(uname -m)"\n`)).toEqual([]);
    expect(lint(pinned(`echo "$(uname -m)" > /out/arch`), { platforms: ["linux/amd64"] })).toEqual([]);
  });

  it("is quiet when the target stage picks a per-architecture path", () => {
    const source = `FROM --platform=$BUILDPLATFORM alpine AS fetch\nRUN mkdir -p /out/$(uname -m)\nFROM alpine\nARG TARGETARCH\nCOPY --from=fetch /out/\${TARGETARCH} /x\n`;
    expect(lint(source)).toEqual([]);
  });

  it("reports for each target that differs from the build platform", () => {
    const findings = lint(pinned(`apk --print-arch > /out/arch`), { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"], buildPlatform: "linux/amd64" });
    expect(findings[0]?.platforms).toEqual(["linux/arm64", "linux/arm/v7"]);
  });
});
