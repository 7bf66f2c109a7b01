import { describe, expect, it } from "vitest";
import { InvalidDefaultArgInFrom } from "../../../src/lint/rules/InvalidDefaultArgInFrom.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, options?: LintWith) =>
  lintWith(InvalidDefaultArgInFrom, source, options).map(({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({
    rule,
    severity,
    at: `${line}:${column}-${endLine}:${endColumn}`,
    message,
    platforms,
  }));

describe("InvalidDefaultArgInFrom", () => {
  it("reports an image that needs a build arg to be valid, even when one is given", () => {
    expect(lint("ARG VERSION\nFROM busybox:$VERSION\n", { buildArgs: { VERSION: "latest" } })).toEqual([
      {
        rule: "InvalidDefaultArgInFrom",
        severity: "warning",
        at: "2:6-2:22",
        message:
          'Default value for ARG busybox:$VERSION results in empty or invalid base image name; without build args it expands to "busybox:", so give the ARG a default that makes a valid image reference',
        platforms: ["linux/amd64", "linux/arm64"],
      },
    ]);
  });

  it("reports an empty name and an invalid one (BuildKit's cases)", () => {
    expect(lint("ARG IMAGE\nFROM $IMAGE\n", { buildArgs: { IMAGE: "busybox:latest" } }).map((finding) => finding.message)).toEqual([
      "Default value for ARG $IMAGE results in empty or invalid base image name; without build args it expands to an empty name, so give the ARG a default that makes a valid image reference",
    ]);
    expect(lint('ARG SFX="box:"\nFROM busy${SFX}\n', { buildArgs: { SFX: "box:latest" } }).map((finding) => finding.at)).toEqual(["2:6-2:16"]);
  });

  it("accepts defaults that make a valid name, including an empty suffix", () => {
    expect(lint('ARG VERSION="latest"\nFROM busybox:${VERSION}\n')).toEqual([]);
    expect(lint('ARG VARIANT=""\nFROM busybox:stable${VARIANT}\n')).toEqual([]);
    expect(lint("ARG VARIANT\nFROM busybox:stable${VARIANT}\n")).toEqual([]);
    expect(lint("ARG IMAGE=alpine\nARG TAG=${IMAGE}-3\nFROM alpine:${TAG}\n")).toEqual([]);
    expect(lint("ARG TAG\nFROM alpine:${TAG:-3.20}\n")).toEqual([]);
  });

  it("does not check FROM lines without variables (an invalid literal is a compile error)", () => {
    expect(lint("FROM Alpine\n")).toEqual([]);
  });

  it("uses the automatic platform ARGs per target", () => {
    const source = "ARG SUFFIX\nFROM alpine:3${TARGETVARIANT}${SUFFIX}\n";
    expect(lint(source, { platforms: ["linux/amd64", "linux/arm/v7"] })).toEqual([]);
    expect(lint("FROM image-for-${TARGETARCH}:1\n", { platforms: ["linux/amd64", "linux/arm64"] })).toEqual([]);
    expect(lint("FROM image:${TARGETVARIANT}\n", { platforms: ["linux/amd64", "linux/arm/v7"] })).toEqual([
      expect.objectContaining({ at: "1:6-1:28", platforms: ["linux/amd64"] }),
    ]);
  });

  it("checks every stage, with braces, quotes and continuation lines", () => {
    const source = 'ARG BASE\nFROM alpine AS ok\nFROM \\\n  "${BASE}" AS broken\n';
    expect(lint(source).map((finding) => finding.at)).toEqual(["4:3-4:12"]);
  });

  it("uses the Windows escape character", () => {
    const source = "# escape=`\nARG TAG\nFROM mcr.microsoft.com/windows/nanoserver:$TAG\n";
    expect(lint(source, { platforms: ["windows/amd64"] })).toEqual([expect.objectContaining({ platforms: ["windows/amd64"] })]);
  });
});
