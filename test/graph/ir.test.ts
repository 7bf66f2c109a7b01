/** The IR: every vertex the planner makes fits the published schema, and its id is the digest of its content. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileTarget } from "../../src/compile/compile.js";
import { canonicalJson, IR_VERSION, sha256, vertexDigest } from "../../src/graph/digest.js";
import { BuildGraph } from "../../src/graph/graph.js";
import type { VertexContent } from "../../src/graph/ir.js";
import { vertexMetaSchema, vertexSchema } from "../../src/graph/schema.js";
import { planBuild } from "../../src/plan/plan.js";
import { parsePlatform } from "../../src/platform/index.js";
import { SourceError } from "../../src/syntax/errors.js";
import { parseDockerfile } from "../../src/syntax/index.js";

const root = new URL("../../corpus/real/", import.meta.url).pathname;

/** Every vertex kind, source type, mount type and file action the compiler makes. */
const everyField = [
  "FROM alpine AS base",
  "WORKDIR /app",
  "RUN --mount=type=cache,target=/c,id=c,sharing=locked,mode=0755,uid=1,gid=2 --mount=type=tmpfs,target=/t --mount=type=secret,id=s,env=S,required --mount=type=ssh --mount=type=bind,from=base,source=/a,target=/b,rw --network=none --security=insecure make",
  "RUN <<EOF",
  "#!/bin/sh",
  "echo hi",
  "EOF",
  "COPY --chown=1:1 --chmod=0644 --exclude=*.md --parents a/ b/",
  "COPY --link c /c",
  "COPY <<EOF /f",
  "data",
  "EOF",
  "ADD https://example.com/x.tar.gz /x",
  "ADD --keep-git-dir https://github.com/moby/buildkit.git#v0.1 /src",
  "ADD local.tar /",
  "",
].join("\n");
const files = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => join(entry.parentPath, entry.name));

describe("graph IR", () => {
  it("canonical JSON sorts keys at every level and leaves out undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: "x" }], c: undefined } })).toBe('{"a":{"d":[2,{"y":"x","z":null}]},"b":1}');
  });

  it("ignores property order and metadata: equal content, equal digest; other content, other digest", () => {
    const a: VertexContent = { kind: "source", source: { type: "image", ref: "docker.io/library/alpine:3.20" }, platform: "linux/arm64" };
    const b = { platform: "linux/arm64", source: { ref: "docker.io/library/alpine:3.20", type: "image" }, kind: "source" } as VertexContent;
    expect(vertexDigest(a, [])).toBe(vertexDigest(b, []));
    expect(vertexDigest({ ...a, platform: "linux/amd64" }, [])).not.toBe(vertexDigest(a, []));
  });

  it("every vertex planned for the corpus (and a file using every kind of field) fits the schema and has the digest of its content", () => {
    let vertices = 0;
    for (const text of [everyField, ...files.map((file) => readFileSync(file, "utf8"))]) {
      let plan;
      try {
        plan = planBuild(parseDockerfile(text), {
          platforms: [parsePlatform("linux/amd64"), parsePlatform("linux/arm64")],
          buildPlatform: parsePlatform("linux/amd64"),
        });
      } catch (error) {
        if (error instanceof SourceError) continue; // the corpus failures are listed in test/plan/corpus.test.ts
        throw error;
      }
      for (const planned of plan.vertices) {
        vertexSchema.parse(JSON.parse(JSON.stringify(planned.vertex)));
        vertexMetaSchema.parse(JSON.parse(JSON.stringify(planned.meta)));
        const { id, inputs, ...content } = planned.vertex;
        expect(vertexDigest(content as VertexContent, inputs)).toBe(id);
        // The fast path (V8's serializer on objects built with sorted keys) gives the general canonical encoding.
        expect(sha256(`dfc-ir/${IR_VERSION}\n${canonicalJson({ content, inputs })}`)).toBe(id);
        vertices++;
      }
    }
    expect(vertices).toBeGreaterThan(3000);
  });
});

describe("a target's vertex list", () => {
  it("is exactly the closure of its result, inputs first, for every corpus file and target", () => {
    let checked = 0;
    for (const text of [everyField, ...files.map((file) => readFileSync(file, "utf8"))]) {
      for (const spec of ["linux/amd64", "linux/arm64"]) {
        const graph = new BuildGraph();
        let compiled;
        try {
          compiled = compileTarget(parseDockerfile(text), { target: parsePlatform(spec), buildPlatform: parsePlatform("linux/amd64"), graph });
        } catch (error) {
          if (error instanceof SourceError) continue;
          throw error;
        }
        const closure = compiled.root === null ? [] : graph.closure([compiled.root]).map((vertex) => vertex.id);
        expect(new Set(compiled.vertices)).toEqual(new Set(closure));
        const seen = new Set<string>();
        for (const id of compiled.vertices) {
          for (const input of graph.vertex(id).inputs) expect(seen.has(input)).toBe(true);
          seen.add(id);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(400);
  });
});
