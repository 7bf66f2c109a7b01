/**
 * BuildKit's own parser test data (test/conformance/buildkit, see SOURCE.md):
 * every positive case must dump byte-for-byte like BuildKit, every negative
 * case must fail with a positioned error, and line numbers must match.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DockerfileSyntaxError, dumpBuildkit, instructionsOf, parseDockerfile } from "../../src/syntax/index.js";

const root = new URL("../conformance/buildkit/", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), "utf8");
const cases = (dir: string): string[] => readdirSync(new URL(dir, root)).sort();

describe("BuildKit parser cases", () => {
  const positive = cases("parser/");
  it("has all 33 positive cases", () => expect(positive).toHaveLength(33));
  it.each(positive)("%s", (name) => {
    const dockerfile = parseDockerfile(read(`parser/${name}/Dockerfile`));
    expect(dumpBuildkit(dockerfile)).toBe(read(`parser/${name}/result`));
  });
  it("dumps 285 lines in all", () => {
    const total = positive.reduce((sum, name) => sum + dumpBuildkit(parseDockerfile(read(`parser/${name}/Dockerfile`))).split("\n").length - 1, 0);
    expect(total).toBe(285);
  });
});

describe("BuildKit negative cases", () => {
  const negative = cases("parser-negative/");
  it("has all 4 negative cases", () => expect(negative).toHaveLength(4));
  it.each(negative)("%s fails with a positioned error", (name) => {
    let caught: unknown;
    try {
      parseDockerfile(read(`parser-negative/${name}/Dockerfile`));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DockerfileSyntaxError);
    const error = caught as DockerfileSyntaxError;
    expect(error.range.start.line).toBeGreaterThanOrEqual(1);
    expect(error.range.start.column).toBeGreaterThanOrEqual(1);
  });
});

describe("BuildKit line numbers", () => {
  it("matches parser-line: root 5–31, three children (5,5) (11,12) (17,31)", () => {
    const instructions = instructionsOf(parseDockerfile(read("parser-line/Dockerfile")).body);
    expect(instructions.map((i) => [i.range.start.line, i.range.end.line])).toEqual([
      [5, 5],
      [11, 12],
      [17, 31],
    ]);
  });
});

describe("conformance data", () => {
  // The project keeps its own copy; when the shared original is beside the checkout, they must agree.
  const shared = new URL("../../../shared/conformance/buildkit/", import.meta.url);
  it.runIf(existsSync(shared))("is byte-identical to ../shared/conformance/buildkit", () => {
    const list = (base: URL): string[] =>
      readdirSync(base, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(fileURLToPath(base), join(entry.parentPath, entry.name)))
        .sort();
    const files = list(root);
    expect(files).toEqual(list(shared));
    for (const file of files) expect(readFileSync(new URL(file, root)).equals(readFileSync(new URL(file, shared))), file).toBe(true);
  });
});
