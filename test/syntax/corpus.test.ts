/**
 * Every real-world Dockerfile in corpus/real parses, its JSON form matches
 * the published schema, and every position in it agrees with its offset.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDockerfile, type Position } from "../../src/syntax/index.js";
import { dockerfileSchema } from "../../src/syntax/schema.js";

const root = new URL("../../corpus/real/", import.meta.url);
const files = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => relative(fileURLToPath(root), join(entry.parentPath, entry.name)))
  .sort();

describe("corpus", () => {
  it("has the 263 files listed in SOURCES.tsv", () => {
    const listed = readFileSync(new URL("SOURCES.tsv", root), "utf8").trim().split("\n").slice(1).map((line) => line.split("\t")[0]);
    expect(files).toHaveLength(263);
    expect(files).toEqual([...listed].sort());
  });

  it.each(files)("%s parses and matches the JSON schema", (file) => {
    const dockerfile = parseDockerfile(readFileSync(new URL(file, root), "utf8"));
    expect(dockerfile.body.length).toBeGreaterThan(0);
    dockerfileSchema.parse(JSON.parse(JSON.stringify(dockerfile)));
  });
});

/** Every `{line, column, offset}` in a JSON tree. */
function positionsIn(value: unknown, found: Position[] = []): Position[] {
  if (Array.isArray(value)) value.forEach((item) => positionsIn(item, found));
  else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.line === "number" && typeof record.column === "number" && typeof record.offset === "number") found.push(record as unknown as Position);
    else Object.values(record).forEach((item) => positionsIn(item, found));
  }
  return found;
}

describe("corpus positions", () => {
  // Ranges compute their positions from offsets and line numbers when read:
  // recompute each from its offset alone, the slow way.
  it.each(files)("%s: every line and column agrees with its offset", (file) => {
    const source = readFileSync(new URL(file, root), "utf8").replace(/^\ufeff/, "");
    const positions = positionsIn(JSON.parse(JSON.stringify(parseDockerfile(source))));
    expect(positions.length).toBeGreaterThan(0);
    for (const position of positions) {
      const before = source.slice(0, position.offset);
      const line = before.split("\n").length;
      const column = position.offset - (before.lastIndexOf("\n") + 1) + 1;
      expect({ line: position.line, column: position.column }).toEqual({ line, column });
    }
  });
});
