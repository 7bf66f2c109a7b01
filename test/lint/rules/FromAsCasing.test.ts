import { describe, expect, it } from "vitest";
import { rule } from "../../../src/lint/rules/FromAsCasing.js";
import { lintWith } from "../lint-helpers.js";

const at = (source: string) => lintWith(rule, source).map(({ line, column, endColumn, message }) => ({ line, column, endColumn, message }));

describe("FromAsCasing", () => {
  it("finds a lower-case `as` after an upper-case FROM and points at it", () => {
    const findings = lintWith(rule, "FROM debian:bookworm-slim as runtime\n");
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "FromAsCasing",
      severity: "warning",
      line: 1,
      column: 27,
      endLine: 1,
      endColumn: 29,
      message: "'as' and 'FROM' keywords' casing do not match: write 'AS' to match 'FROM'",
      platforms: ["linux/amd64", "linux/arm64"],
    });
  });

  it("finds an upper-case `AS` after a lower-case from", () => {
    expect(at("from scratch AS base\nfrom scratch as base2\n")).toEqual([
      { line: 1, column: 14, endColumn: 16, message: "'AS' and 'from' keywords' casing do not match: write 'as' to match 'from'" },
    ]);
  });

  it("finds a mixed-case `As`", () => {
    expect(at("FROM scratch As base\n").map((f) => f.message)).toEqual(["'As' and 'FROM' keywords' casing do not match: write 'AS' to match 'FROM'"]);
  });

  it("finds `as` after FROM flags", () => {
    expect(at("FROM --platform=$BUILDPLATFORM golang:1.23 as build\n").map((f) => [f.line, f.column])).toEqual([[1, 44]]);
  });

  it("leaves a mixed-case FROM to ConsistentInstructionCasing", () => {
    expect(at("From scratch as base\nfrOM scratch AS other\n")).toEqual([]);
  });

  it("accepts matching case, and a FROM without a stage name", () => {
    expect(at("FROM scratch AS a\nfrom scratch as b\nFROM scratch\nfrom scratch\n")).toEqual([]);
  });

  it("points at `as` on a continuation line, also with the Windows escape character", () => {
    expect(at("FROM alpine \\\n  as build\n")).toEqual([{ line: 2, column: 3, endColumn: 5, message: expect.stringContaining("'as' and 'FROM'") }]);
    expect(at("# escape=`\nFROM alpine `\n  as build\n")).toEqual([{ line: 3, column: 3, endColumn: 5, message: expect.stringContaining("'as' and 'FROM'") }]);
  });

  it("checks every stage of a multi-stage file", () => {
    const source = "FROM golang AS build\nRUN go build\nFROM alpine as final\nFROM alpine AS test\n";
    expect(at(source).map((f) => f.line)).toEqual([3]);
  });
});
