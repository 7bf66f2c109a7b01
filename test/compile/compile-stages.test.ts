/**
 * compileStages (no graph: the linter's and the outline's compile) must say
 * the same about a target's stages as compileTarget: same platforms, bases,
 * configs and setup, and the same errors. Checked on every corpus file for
 * two targets, and on the vertex sink it feeds.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileStages, compileTarget } from "../../src/compile/compile.js";
import { BuildGraph, type VertexSink } from "../../src/graph/graph.js";
import type { VertexContent } from "../../src/graph/ir.js";
import { parsePlatform } from "../../src/platform/index.js";
import { parseDockerfile, SourceError, type Dockerfile } from "../../src/syntax/index.js";

const root = fileURLToPath(new URL("../../corpus/real/", import.meta.url));
const files = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => join(entry.parentPath, entry.name));

const BUILD = parsePlatform("linux/amd64");
const TARGETS = [parsePlatform("linux/amd64"), parsePlatform("linux/arm/v7")];

function outcome<T>(compile: () => T): T | string {
  try {
    return compile();
  } catch (error) {
    if (error instanceof SourceError) return `${error.range.start.line}:${error.range.start.column} ${error.message}`;
    throw error;
  }
}

function parsed(file: string): Dockerfile | null {
  try {
    return parseDockerfile(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

describe("compileStages", () => {
  it("agrees with compileTarget on every corpus file", () => {
    let compared = 0;
    for (const file of files) {
      const dockerfile = parsed(file);
      if (dockerfile === null) continue;
      for (const target of TARGETS) {
        const withGraph = outcome(() => {
          const { setup, requested, platform, tagArch, targetStage, stages } = compileTarget(dockerfile, { target, buildPlatform: BUILD, graph: new BuildGraph() });
          return { setup, requested, platform, tagArch, targetStage, stages };
        });
        expect(outcome(() => compileStages(dockerfile, { target, buildPlatform: BUILD })), file).toEqual(withGraph);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });

  it("hands every vertex the graph would hold to its sink, and keeps none", () => {
    const dockerfile = parseDockerfile("FROM alpine AS build\nWORKDIR /src\nCOPY . .\nRUN make\nFROM scratch\nCOPY --from=build /src/app /app\n");
    const seen: VertexContent["kind"][] = [];
    const sink: VertexSink = {
      add(content) {
        seen.push(content.kind);
        return "sha256:seen";
      },
    };
    compileStages(dockerfile, { target: BUILD, buildPlatform: BUILD, vertices: sink });
    const graph = new BuildGraph();
    const compiled = compileTarget(dockerfile, { target: BUILD, buildPlatform: BUILD, graph });
    // Nothing here is made twice, so the sink sees each of the graph's vertices once.
    expect(seen.sort()).toEqual(compiled.vertices.map((id) => graph.vertex(id).kind).sort());
    expect(seen).toContain("exec");
  });
});
