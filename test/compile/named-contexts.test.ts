import { describe, expect, it } from "vitest";
import { planBuild } from "../../src/plan/plan.js";
import { parsePlatform } from "../../src/platform/index.js";
import { parseDockerfile } from "../../src/syntax/index.js";
import { runCli } from "../cli/run-cli.js";

const plan = (text: string, contexts: Record<string, string>) =>
  planBuild(parseDockerfile(text), {
    platforms: [parsePlatform("linux/amd64"), parsePlatform("linux/arm64")],
    buildPlatform: parsePlatform("linux/amd64"),
    namedContexts: new Map(Object.entries(contexts)),
  });
const sources = (text: string, contexts: Record<string, string>): string[] =>
  plan(text, contexts).vertices.flatMap(({ vertex }) => (vertex.kind === "source" ? [`${vertex.source.type} ${"ref" in vertex.source ? vertex.source.ref : ""} ${vertex.platform ?? ""}`.trim()] : []));

describe("--build-context NAME=oci-layout://PATH", () => {
  it("FROM NAME and COPY --from=NAME read the layout, per target platform", () => {
    expect(sources("FROM base\nCOPY --from=tools /x /x\n", { base: "/layouts/base:v1", tools: "/layouts/tools" })).toEqual([
      "oci-layout /layouts/base:v1 linux/amd64",
      "oci-layout /layouts/tools linux/amd64",
      "oci-layout /layouts/base:v1 linux/arm64",
      "oci-layout /layouts/tools linux/arm64",
    ]);
  });

  it("leaves other images to the registry, and a stage of the same name wins", () => {
    expect(sources("FROM alpine AS base\nFROM base\n", { base: "/layouts/base" })).toEqual(["image docker.io/library/alpine:latest linux/amd64", "image docker.io/library/alpine:latest linux/arm64"]);
  });

  it("accepts only oci-layout named contexts on the command line", () => {
    const result = runCli(["plan", "--build-context", "base=docker-image://alpine", "-"], { input: "FROM base\n" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--build-context must be NAME=oci-layout://PATH[:TAG] (got "base=docker-image://alpine")');
  });
});
