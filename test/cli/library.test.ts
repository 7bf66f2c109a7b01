/**
 * The package's library entry, imported the way a user would ("dfc", i.e.
 * dist/src/index.js through package.json exports): the whole pipeline is
 * reachable from it, with types.
 */
import { describe, expect, it } from "vitest";
import { graphDocument, graphDocumentSchema, lintSource, parseDockerfile, parsePlatform, planBuild, simulateBuild } from "dfc";

describe("the dfc package entry", () => {
  it("parses, plans, lints, simulates and writes the graph", async () => {
    const text = "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n";
    const options = { platforms: ["linux/amd64", "linux/arm64"].map((spec) => parsePlatform(spec)), buildPlatform: parsePlatform("linux/amd64") };
    const plan = planBuild(parseDockerfile(text), options);
    expect(plan.summary.cross).toBe(1);
    expect(lintSource("Dockerfile", text, options).map((finding) => finding.rule)).toEqual([]);
    expect((await simulateBuild(plan, { jobs: 2 })).result.failures).toEqual([]);
    expect(graphDocumentSchema.parse(graphDocument(plan)).targets).toHaveLength(2);
  });
});
