import { describe, expect, it } from "vitest";
import { InvalidDefinitionDescription } from "../../../src/lint/rules/InvalidDefinitionDescription.js";
import { lintWith, type LintWith } from "../lint-helpers.js";

const lint = (source: string, options: LintWith = {}) =>
  lintWith(InvalidDefinitionDescription, source, { experimental: true, ...options }).map(
    ({ rule, severity, line, column, endLine, endColumn, message, platforms }) => ({ rule, severity, at: `${line}:${column}-${endLine}:${endColumn}`, message, platforms }),
  );

describe("InvalidDefinitionDescription", () => {
  it("accepts BuildKit's good example", () => {
    const source = [
      "# check=experimental=InvalidDefinitionDescription",
      "# foo this is the foo",
      "ARG foo=bar",
      "",
      "# base this is the base image",
      "FROM scratch AS base",
      "",
      "# version this is the version number",
      "ARG version=latest",
      "",
      "# baz this is the baz",
      "ARG foo=baz bar=qux baz=quux",
      "#",
      "ARG bit=bat",
      "",
      "# comment for something other than ARG or FROM",
      "COPY Dockerfile .",
      "",
    ].join("\n");
    expect(lint(source)).toEqual([]);
  });

  it("reports BuildKit's bad example, at the comment", () => {
    const source = [
      "# check=experimental=InvalidDefinitionDescription",
      "# bar this is the bar",
      "ARG foo=bar",
      "# BasE this is the BasE image",
      "FROM scratch AS base",
      "# definitely a bad comment",
      "ARG version=latest",
      "# definitely a bad comment",
      "ARG foo=baz bar=qux baz=quux",
      "",
    ].join("\n");
    expect(lint(source)).toEqual([
      {
        rule: "InvalidDefinitionDescription",
        severity: "warning",
        at: "2:1-2:22",
        message:
          'Comment for ARG should follow the format: `# foo <description>`; start the comment with the name, or put an empty "#" line between it and the ARG if it is not a description',
        platforms: ["linux/amd64", "linux/arm64"],
      },
      expect.objectContaining({ at: "4:1-4:30", message: expect.stringContaining("Comment for FROM should follow the format: `# base <description>`") }),
      expect.objectContaining({ at: "6:1-6:27", message: expect.stringContaining("Comment for ARG should follow the format: `# version <description>`") }),
      expect.objectContaining({ at: "8:1-8:27", message: expect.stringContaining("Comment for ARG should follow the format: `# <arg_key> <description>`") }),
    ]);
  });

  it("is off unless enabled", () => {
    expect(lintWith(InvalidDefinitionDescription, "# a comment\nARG foo\nFROM scratch\n")).toEqual([]);
  });

  it("looks at the last comment only, across blank lines, and an empty # ends it", () => {
    expect(lint("# foo is described here\n# but this is the last line\nARG foo\n").map((finding) => finding.at)).toEqual(["2:1-2:28"]);
    expect(lint("# not a description\n\n\nARG foo\n").map((finding) => finding.at)).toEqual(["1:1-1:20"]);
    expect(lint("# not a description\n#\nARG foo\n")).toEqual([]);
  });

  it("compares the first space-separated word exactly", () => {
    expect(lint("# foo: the foo\nARG foo\n")).toHaveLength(1);
    expect(lint("# FOO the foo\nARG foo\n")).toHaveLength(1);
    expect(lint("#foo the foo\nARG foo\n")).toEqual([]);
    expect(lint("#   foo    the foo\nARG foo\n")).toEqual([]);
    // BuildKit drops the line's first character, not the "#", so an indented comment keeps its "#".
    expect(lint("  # foo the foo\nARG foo\n").map((finding) => finding.at)).toEqual(["1:3-1:16"]);
  });

  it("checks named stages only, and global ARGs too", () => {
    expect(lint("# the base\nFROM scratch\n")).toEqual([]);
    expect(lint("# the base\nFROM scratch AS base\n")).toHaveLength(1);
    expect(lint("# VERSION of the app\nARG VERSION=1\nFROM scratch\n")).toEqual([]);
  });

  it("can be suppressed on the line above the comment", () => {
    expect(lint("# dfc-ignore InvalidDefinitionDescription\n# a remark\nARG foo\n")).toEqual([]);
  });

  it("does not treat parser directives as comments", () => {
    expect(lint("# syntax=docker/dockerfile:1\nARG foo\nFROM scratch\n")).toEqual([]);
  });

  it("checks instructions inside IFARCH blocks and after continuations", () => {
    expect(lint("FROM scratch\nIFARCH arm64\n# wrong\nARG A \\\n    B\nENDIFARCH\n")).toEqual([
      expect.objectContaining({ at: "3:1-3:8", message: expect.stringContaining("`# <arg_key> <description>`") }),
    ]);
  });
});
