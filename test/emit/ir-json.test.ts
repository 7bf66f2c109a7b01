import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { graphDocument } from "../../src/emit/ir-json.js";
import { graphDocumentSchema } from "../../src/emit/ir-json-schema.js";
import { vertexDigest } from "../../src/graph/digest.js";
import type { VertexContent } from "../../src/graph/ir.js";
import { runCli } from "../cli/run-cli.js";
import { loadScenario, planScenario, scenariosDir } from "../plan/helpers.js";

const scenarios = readdirSync(scenariosDir).map(loadScenario);

/** The proposal's example: amd64 alone; one arm/v6 build published for all three ARM platforms. */
const EXPECTED_09_TARGETS = [
  ["linux/amd64", ["linux/amd64"]],
  ["linux/arm/v6", ["linux/arm/v6", "linux/arm/v7", "linux/arm64"]],
];

describe("graphDocument (dfc compile --format json)", () => {
  it("for every scenario the document validates, digests recompute from content and inputs, inputs come first, roots exist", () => {
    for (const scenario of scenarios) {
      const document = graphDocumentSchema.parse(JSON.parse(JSON.stringify(graphDocument(planScenario(scenario)))));
      const seen = new Set<string>();
      for (const { id, inputs, meta: _meta, ...content } of document.vertices) {
        expect(vertexDigest(content as VertexContent, inputs)).toBe(id);
        for (const input of inputs) expect(seen.has(input)).toBe(true);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      for (const target of document.targets) if (target.root !== null) expect(seen.has(target.root)).toBe(true);
    }
  });

  it("lists a TAGARCH group once, published under each platform", () => {
    const scenario = loadScenario("09-ifarch-rootfs");
    const document = graphDocument(planScenario(scenario));
    expect(scenario.config.platforms).toHaveLength(4);
    expect(document.targets.map((target) => [target.platform, target.publishedAs])).toEqual(EXPECTED_09_TARGETS);
  });
});

describe("dfc compile", () => {
  const dockerfile = join(scenariosDir, "01-go-cross", "Dockerfile");
  const args = ["compile", "--platform", "linux/amd64,linux/arm64", dockerfile];

  it("writes the same bytes on every run (stable digests and order)", () => {
    const first = runCli(args);
    expect(first.status).toBe(0);
    expect(runCli(args).stdout).toBe(first.stdout);
    const document = graphDocumentSchema.parse(JSON.parse(first.stdout));
    expect(document.targets.map((target) => target.platform)).toEqual(["linux/amd64", "linux/arm64"]);
  });

  it("writes --output atomically and leaves an existing file alone on a Dockerfile error", () => {
    const dir = mkdtempSync(join(tmpdir(), "dfc-compile-"));
    const output = join(dir, "graph.json");
    expect(runCli([...args, "--output", output])).toMatchObject({ status: 0, stdout: "" });
    expect(readdirSync(dir)).toEqual(["graph.json"]);
    expect(runCli(args).stdout).toBe(readFileSync(output, "utf8"));

    writeFileSync(join(dir, "Dockerfile"), "FROM alpine\nCOPY onlyone\n");
    const failed = runCli(["compile", "-o", output, join(dir, "Dockerfile")]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/Dockerfile:2:1: error: COPY requires at least two arguments/);
    expect(runCli(args).stdout).toBe(readFileSync(output, "utf8"));
  });

  it.each([
    [["compile", "--format", "yaml", dockerfile], '--format must be one of json, llb, dockerfile (got "yaml")'],
    [["compile", "-o", "/nonexistent-dir/graph.json", dockerfile], "cannot write /nonexistent-dir/graph.json: no such directory"],
  ])("refuses %j as a usage error", (argv, message) => {
    const result = runCli(argv);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`dfc: ${message}\nRun "dfc --help" for usage.\n`);
  });
});

describe("dfc schema", () => {
  it.each(["ast", "plan", "ir", "progress"])("prints a JSON Schema for %s", (name) => {
    const result = runCli(["schema", name]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" });
  });
});
