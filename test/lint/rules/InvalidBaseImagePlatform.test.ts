import { describe, expect, it } from "vitest";
import { metaResolver, parseImageMeta } from "../../../src/compile/image-meta.js";
import { InvalidBaseImagePlatform } from "../../../src/lint/rules/InvalidBaseImagePlatform.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const resolver = metaResolver(
  parseImageMeta({
    "amd64only:1": { platforms: ["linux/amd64"] },
    "multi:1": { platforms: ["linux/amd64", "linux/arm64"] },
    "armv6:1": { platforms: ["linux/arm/v6"] },
    "alpine:3.20": { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/s390x"] },
  }),
);

const lint = (source: string, options: LintWith = {}) =>
  lintWith(InvalidBaseImagePlatform, source, { ...options, extra: { resolver, ...options.extra } }).map(
    ({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({ rule, severity, at: `${line}:${column}-${endLine}:${endColumn}`, message, platforms }),
  );

describe("InvalidBaseImagePlatform", () => {
  it("reports a single-platform image pulled for another platform, in BuildKit's words", () => {
    expect(lint("FROM amd64only:1\n")).toEqual([
      {
        rule: "InvalidBaseImagePlatform",
        severity: "warning",
        at: "1:6-1:17",
        message: `Base image amd64only:1 was pulled with platform "linux/amd64", expected "linux/arm64" for current build; use an image published for "linux/arm64", or do not build this stage for it`,
        platforms: ["linux/arm64"],
      },
    ]);
  });

  it("lists what a multi-platform image offers when the target is missing", () => {
    expect(lint("FROM multi:1\n", { platforms: ["linux/amd64", "linux/s390x"] })).toEqual([
      expect.objectContaining({
        message: `Base image multi:1 is only published for "linux/amd64", "linux/arm64", expected "linux/s390x" for current build; use an image published for "linux/s390x", or do not build this stage for it`,
        platforms: ["linux/s390x"],
      }),
    ]);
  });

  it("accepts images published for the platform, and a different variant of the same architecture", () => {
    expect(lint("FROM alpine:3.20\n")).toEqual([]);
    expect(lint("FROM armv6:1\n", { platforms: ["linux/arm/v7"] })).toEqual([]);
  });

  it("says nothing about images it knows nothing about, or scratch", () => {
    expect(lint("FROM unknown:1\nFROM scratch\n")).toEqual([]);
    expect(lintWith(InvalidBaseImagePlatform, "FROM amd64only:1\n")).toEqual([]);
  });

  it("checks the platform the stage is pinned to", () => {
    const source = "FROM --platform=$BUILDPLATFORM amd64only:1 AS build\nFROM alpine:3.20\nCOPY --from=build / /\n";
    expect(lint(source, { buildPlatform: "linux/arm64" })).toEqual([
      expect.objectContaining({
        at: "1:32-1:43",
        message: expect.stringContaining('expected "linux/arm64" for current build; check the FROM --platform value'),
        platforms: ["linux/amd64", "linux/arm64"],
      }),
    ]);
    expect(lint(source, { buildPlatform: "linux/amd64" })).toEqual([]);
  });

  it("names the image as written, after ARG expansion", () => {
    expect(lint("ARG TAG=1\nFROM amd64only:${TAG}\n")).toEqual([expect.objectContaining({ at: "2:6-2:22", message: expect.stringContaining("Base image amd64only:1 was pulled") })]);
  });

  it("checks the stages the target needs, per platform", () => {
    const source = "FROM amd64only:1 AS unused\nFROM multi:1 AS used\nFROM used\n";
    expect(lint(source, { platforms: ["linux/amd64", "linux/arm64", "linux/riscv64"] })).toEqual([
      expect.objectContaining({ at: "2:6-2:13", platforms: ["linux/riscv64"] }),
    ]);
  });
});
