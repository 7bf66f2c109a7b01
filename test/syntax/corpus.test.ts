/** Every real-world Dockerfile in corpus/real parses, and its JSON form matches the published schema. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../../src/syntax/index.js";
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
