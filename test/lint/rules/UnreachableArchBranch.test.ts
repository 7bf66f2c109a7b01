import { describe, expect, it } from "vitest";
import { UnreachableArchBranch } from "../../../src/lint/rules/UnreachableArchBranch.js";
import { lintWith } from "../lint-helpers.js";

const lint = (source: string, options = {}) => lintWith(UnreachableArchBranch, source, options);

/** 1-based line and column of the first `needle` in `source`. */
function at(source: string, needle: string): { line: number; column: number } {
  const index = source.indexOf(needle);
  const before = source.slice(0, index).split("\n");
  return { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
}

describe("UnreachableArchBranch", () => {
  it("reports a uname spelling in a case on $TARGETARCH and suggests the OCI one", () => {
    const source = `FROM alpine\nARG TARGETARCH\nRUN case "$TARGETARCH" in \\\n      x86_64) echo x ;; \\\n      arm64) echo a ;; \\\n    esac\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ...at(source, "x86_64)"), endColumn: at(source, "x86_64)").column + 6 });
    expect(findings[0]?.message).toContain("Write `amd64`");
    expect(findings[0]?.message).toContain("linux/amd64 never takes this branch");
  });

  it("accepts an arm listing both spellings, and the other spelling in another arm", () => {
    expect(lint(`FROM alpine\nARG TARGETARCH\nRUN case "\${TARGETARCH}" in x86_64|amd64) A=1 ;; aarch64|arm64) A=2 ;; esac\n`)).toEqual([]);
    expect(lint(`FROM debian\nRUN case "$(dpkg --print-architecture)" in amd64) A=1 ;; x86_64) A=1 ;; esac\n`)).toEqual([]);
  });

  it("judges glob patterns against the values the variable takes", () => {
    expect(lint(`FROM alpine\nARG TARGETARCH\nRUN case $TARGETARCH in arm*) echo arm ;; esac\n`)).toEqual([]);
    const findings = lint(`FROM alpine\nARG TARGETARCH\nRUN case $TARGETARCH in armv7*) echo arm ;; esac\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("Write `arm` and check $TARGETVARIANT = v7");
  });

  it("reports [ $(dpkg --print-architecture) = x86_64 ]", () => {
    const source = `FROM debian\nRUN if [ "$(dpkg --print-architecture)" = "x86_64" ]; then echo; fi\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject(at(source, '"x86_64"'));
    expect(findings[0]?.message).toContain("Debian names");
    expect(findings[0]?.message).toContain("Write `amd64`");
  });

  it("follows a probe through a variable, and says a != test is always true", () => {
    const findings = lint(`FROM alpine\nRUN arch="$(uname -m)"; [ "$arch" != amd64 ] && echo not-amd64\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("always true");
    expect(findings[0]?.message).toContain("Write `x86_64`");
  });

  it("keeps the scheme through ${var##*-} and forgets it after another assignment", () => {
    expect(lint(`FROM debian\nRUN a="$(dpkg --print-architecture)"; case "\${a##*-}" in aarch64) echo ;; esac\n`)).toHaveLength(1);
    expect(lint(`FROM debian\nRUN a="$(dpkg --print-architecture)"; a=x86_64; case "$a" in x86_64) echo ;; esac\n`)).toEqual([]);
  });

  it("follows a probe piped through a filter that only drops a prefix (docker-library's awk -F-)", () => {
    const source = `FROM debian\nRUN arch="$(dpkg --print-architecture | awk -F- '{ print $NF }')"; case "$arch" in x86_64) echo ;; esac\n`;
    expect(lint(source)).toHaveLength(1);
    expect(lint(`FROM debian\nRUN arch="$(uname -m | sed s/x86_64/amd64/)"; case "$arch" in amd64) echo ;; esac\n`)).toEqual([]);
  });

  it("knows Alpine's names (apk --print-arch says x86_64, armv7, armhf)", () => {
    expect(lint(`FROM alpine\nRUN case "$(apk --print-arch)" in x86_64) ;; aarch64) ;; armv7) ;; esac\n`)).toEqual([]);
    const findings = lint(`FROM alpine\nRUN case "$(apk --print-arch)" in amd64) echo ;; arm64) echo ;; esac\n`);
    expect(findings.map((f) => f.message.match(/Write `([^`]+)`/)?.[1])).toEqual(["x86_64", "aarch64"]);
  });

  it("reports $TARGETPLATFORM compared with a non-normalized platform", () => {
    const findings = lint(`FROM alpine\nARG TARGETPLATFORM\nRUN [ "$TARGETPLATFORM" = "linux/arm64/v8" ] && echo arm\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain("Write `linux/arm64`");
    expect(lint(`FROM alpine\nARG TARGETPLATFORM\nRUN [ "$TARGETPLATFORM" = "linux/arm/v7" ] && echo arm\n`)).toEqual([]);
  });

  it("treats the right side of [[ == ]] as a pattern", () => {
    expect(lint(`FROM alpine\nARG TARGETARCH\nRUN [[ $TARGETARCH == arm* ]] && echo arm\n`)).toEqual([]);
    expect(lint(`FROM alpine\nARG TARGETARCH\nRUN [[ $TARGETARCH == aarch* ]] && echo arm\n`)).toHaveLength(1);
  });

  it("counts a ${TARGETARCH:-x86_64} default as a possible value", () => {
    expect(lint(`FROM alpine\nRUN [ "\${TARGETARCH:-x86_64}" = x86_64 ] && echo\n`)).toEqual([]);
  });

  it("leaves unknown words and other variables alone", () => {
    expect(lint(`FROM alpine\nARG TARGETARCH\nRUN case "$TARGETARCH" in amd64) ;; arm64) ;; *) echo "unsupported" ;; esac\n`)).toEqual([]);
    expect(lint(`FROM alpine\nRUN case "$FLAVOR" in x86_64) echo ;; esac\n`)).toEqual([]);
  });

  it("reads heredoc scripts and reports at the line in the body", () => {
    const source = `FROM alpine\nARG TARGETARCH\nRUN <<EOF\nif [ "$TARGETARCH" = "aarch64" ]; then\n  echo arm\nfi\nEOF\n`;
    const findings = lint(source);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject(at(source, '"aarch64"'));
  });

  it("applies to every platform that builds the step", () => {
    const findings = lint(`FROM alpine\nRUN [ "$(uname -m)" = arm64 ] && echo\n`, { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7"] });
    expect(findings[0]?.platforms).toEqual(["linux/amd64", "linux/arm64", "linux/arm/v7"]);
    expect(findings[0]?.message).toContain("Write `aarch64`");
  });
});
