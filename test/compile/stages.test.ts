/** Which stage a name refers to when names repeat: the last one defined before the reference (BuildKit's name table). */
import { describe, expect, it } from "vitest";
import { compileTarget, MAX_STAGE_CHAIN } from "../../src/compile/compile.js";
import { CompileError } from "../../src/compile/errors.js";
import { findStage } from "../../src/compile/stages.js";
import { BuildGraph } from "../../src/graph/graph.js";
import { parsePlatform } from "../../src/platform/index.js";
import { parseDockerfile } from "../../src/syntax/index.js";

const AMD64 = parsePlatform("linux/amd64");

function stagesUsed(source: string): number[] {
  const compiled = compileTarget(parseDockerfile(source), { target: AMD64, buildPlatform: AMD64, graph: new BuildGraph() });
  return compiled.stages.map((stage) => stage.index);
}

describe("duplicate stage names", () => {
  it("FROM takes the most recent earlier stage of that name", () => {
    expect(stagesUsed("FROM alpine AS base\nRUN one\nFROM debian AS base\nRUN two\nFROM base\n")).toEqual([1, 2]);
  });

  it("COPY --from takes the last earlier stage of that name", () => {
    expect(stagesUsed("FROM alpine AS tools\nFROM debian AS tools\nFROM scratch\nCOPY --from=tools /x /x\n")).toEqual([1, 2]);
  });
});

describe("CMD and ENTRYPOINT in the image config", () => {
  const config = (source: string) =>
    compileTarget(parseDockerfile(source), { target: AMD64, buildPlatform: AMD64, graph: new BuildGraph() }).targetStage.config;

  it("ENTRYPOINT keeps a CMD set in the same stage but drops an inherited one", () => {
    expect(config('FROM alpine\nCMD ["a"]\nENTRYPOINT ["e"]\n').cmd).toEqual(["a"]);
    expect(config('FROM alpine AS base\nCMD ["a"]\nFROM base\nENTRYPOINT ["e"]\n').cmd).toBeNull();
  });

  it("a bare CMD is the shell with an empty script", () => {
    expect(config("FROM alpine\nCMD\n").cmd).toEqual(["/bin/sh", "-c", ""]);
  });
});

describe("findStage", () => {
  // A subset in index order, as the stages compiled for one target are: index ≠ position.
  const stages = [
    { index: 0, name: "build" },
    { index: 2, name: "build" },
    { index: 4, name: "test" },
    { index: 5, name: null },
  ];

  it("takes the last stage of a name among those before `before`", () => {
    expect(findStage(stages, "BUILD", false)?.index).toBe(2);
    expect(findStage(stages, "build", false, 2)?.index).toBe(0);
    expect(findStage(stages, "test", false, 4)).toBeUndefined();
  });

  it("finds an index reference by index, not by position", () => {
    expect(findStage(stages, "4", true)?.name).toBe("test");
    expect(findStage(stages, "1", true)).toBeUndefined();
    expect(findStage(stages, "4", false)).toBeUndefined();
  });
});

describe("chains of stages", () => {
  const chain = (length: number): string =>
    ["FROM alpine AS s0", ...Array.from({ length: length - 1 }, (_, index) => `FROM alpine AS s${index + 1}\nCOPY --from=s${index} /a /a`)].join("\n") + "\n";

  it(`compile up to ${MAX_STAGE_CHAIN} stages built on one another`, () => {
    expect(stagesUsed(chain(MAX_STAGE_CHAIN))).toHaveLength(MAX_STAGE_CHAIN);
  });

  it("longer chains are a positioned compile error, not a stack overflow", () => {
    const error = (() => {
      try {
        stagesUsed(chain(4 * MAX_STAGE_CHAIN));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).message).toMatch(/chain of more than 256 stages/);
    // The stage where the bound is reached: MAX_STAGE_CHAIN + 1 stages down from the target.
    expect((error as CompileError).range.start.line).toBe(2 * (3 * MAX_STAGE_CHAIN - 1));
  });
});
