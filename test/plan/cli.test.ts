/** `dfc plan` end to end, through the built CLI (npm run build first). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planJsonSchema } from "../../src/plan/schema.js";
import { runCli } from "../cli/run-cli.js";
import { BUILD_PLATFORM, loadScenario, scenariosDir, type ScenarioConfig } from "./helpers.js";

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/cli/${name}`, import.meta.url));
const scenarioFile = (name: string): string => loadScenario(name).dockerfilePath;

function planArgs(config: ScenarioConfig): string[] {
  return [
    "plan",
    "--build-platform",
    config.buildPlatform ?? BUILD_PLATFORM,
    "--platform",
    config.platforms.join(","),
    ...(config.workers ?? []).flatMap((worker) => ["--worker", worker]),
    ...Object.entries(config.buildArgs ?? {}).flatMap(([name, value]) => ["--build-arg", `${name}=${value}`]),
    ...(config.target === undefined ? [] : ["--target", config.target]),
  ];
}

const ok = (args: readonly string[]): string => {
  const result = runCli(args);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return result.stdout;
};

describe("dfc plan", () => {
  it.each(["01-go-cross", "04-copy-arch-path", "07-target-middle-stage", "09-ifarch-rootfs", "11-workers", "12-windows-escape"])(
    "prints the reviewed text plan for %s",
    (name) => {
      const scenario = loadScenario(name);
      expect(ok([...planArgs(scenario.config), scenario.dockerfilePath])).toBe(readFileSync(`${scenariosDir}${name}/plan.txt`, "utf8"));
    },
  );

  it("reads the Dockerfile from -f and from standard input alike, and ignores platform order and repetition", () => {
    const name = "03-platform-flag-on-stage";
    const golden = readFileSync(`${scenariosDir}${name}/plan.txt`, "utf8");
    const args = ["plan", "--build-platform", BUILD_PLATFORM, "--platform", "linux/arm64,linux/amd64", "--platform", "linux/amd64"];
    expect(ok([...args, "-f", scenarioFile(name)])).toBe(golden);
    const piped = runCli([...args, "-"], { input: readFileSync(scenarioFile(name), "utf8") });
    expect([piped.status, piped.stderr, piped.stdout]).toEqual([0, "", golden]);
  });

  it("--format json is versioned JSON that matches the published schema", () => {
    const stdout = ok([...planArgs(loadScenario("01-go-cross").config), "--format", "json", scenarioFile("01-go-cross")]);
    const json = planJsonSchema.parse(JSON.parse(stdout));
    expect(json.schemaVersion).toBe(1);
    expect(json.buildPlatform).toBe("linux/amd64");
    expect(json.targets.map((target) => target.platform)).toEqual(["linux/amd64", "linux/arm/v7", "linux/arm64"]);
    const ids = new Set(json.vertices.map((vertex) => vertex.id));
    for (const vertex of json.vertices) {
      for (const input of vertex.inputs) expect(ids.has(input)).toBe(true);
      expect(vertex.shared).toBe(vertex.targets.length > 1);
    }
    expect(json.summary.saving).toBe(json.summary.costWithoutDedup - json.summary.cost);
    expect(json.summary.vertices).toBe(json.vertices.length);
    const modes = json.vertices.filter((vertex) => vertex.kind === "exec").map((vertex) => vertex.mode);
    expect(new Set(modes)).toEqual(new Set(["native", "cross", "emulated"]));
  });

  it("--format dot draws one cluster per stage and marks shared, emulated and cross vertices", () => {
    const stdout = ok([...planArgs(loadScenario("01-go-cross").config), "--format", "dot", scenarioFile("01-go-cross")]);
    expect(stdout.startsWith("digraph dfc {\n")).toBe(true);
    expect(stdout.endsWith("}\n")).toBe(true);
    expect(stdout).toMatch(/subgraph cluster_\d+ \{\n\s+label="stage build";/);
    expect(stdout).toMatch(/subgraph cluster_\d+ \{\n\s+label="stage stage-1";/);
    expect(stdout).toContain("penwidth=2.5"); // shared
    expect(stdout).toContain('fillcolor="#f6c177"'); // emulated
    expect(stdout).toContain('fillcolor="#9ccfd8"'); // cross
    expect(stdout).toContain("shared ×3");
    const json = planJsonSchema.parse(JSON.parse(ok([...planArgs(loadScenario("01-go-cross").config), "--format", "json", scenarioFile("01-go-cross")])));
    // One node per vertex, one edge per input.
    expect(stdout.match(/^\s+"[0-9a-f]{12}" \[/gm)).toHaveLength(json.vertices.length);
    expect(stdout.match(/ -> /g)).toHaveLength(json.vertices.reduce((sum, vertex) => sum + vertex.inputs.length, 0));
  });

  it("--format mermaid draws one subgraph per stage and classes the marked vertices", () => {
    const stdout = ok([...planArgs(loadScenario("01-go-cross").config), "--format", "mermaid", scenarioFile("01-go-cross")]);
    expect(stdout.startsWith("flowchart LR\n")).toBe(true);
    expect(stdout).toMatch(/subgraph s\d+\["stage build"\]/);
    expect(stdout).toMatch(/subgraph s\d+\["stage stage-1"\]/);
    expect(stdout).toMatch(/^ {2}class (v[0-9a-f]{12},)*v[0-9a-f]{12} shared$/m);
    expect(stdout).toMatch(/^ {2}class (v[0-9a-f]{12},)*v[0-9a-f]{12} emulated$/m);
    expect(stdout).toMatch(/^ {2}class (v[0-9a-f]{12},)*v[0-9a-f]{12} cross$/m);
    expect(stdout).not.toMatch(/"[^"\n]*"[^\]\n]*"\]/); // no unescaped quote inside a label
  });

  describe("Dockerfile errors: exit 1, file:line:col on stderr, nothing on stdout", () => {
    const cases: [string, string[], string, string][] = [
      ["unknown --target", ["--target", "nope"], "stages.Dockerfile", ':4:1: error: target stage "nope" could not be found (stages: base, release)\n'],
      ["malformed FROM --platform", [], "bad-platform.Dockerfile", ':3:6: error: --platform: invalid platform "linux/": architecture is empty\n'],
      ["unknown --from stage index", [], "bad-from-index.Dockerfile", ":5:6: error: stage index 7 is out of range (the Dockerfile has 2 stages)\n"],
      ["IFARCH with an unknown architecture", [], "bad-ifarch.Dockerfile", ':3:16: error: unknown architecture "armv9x" (did you mean "armv8"?)\n'],
    ];
    it.each(cases)("%s", (_, extra, file, message) => {
      const result = runCli(["plan", "--build-platform", BUILD_PLATFORM, "--platform", "linux/amd64,linux/arm64", ...extra, fixture(file)]);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr.startsWith(`${fixture(file)}${message}`)).toBe(true);
      // The offending line is quoted with a caret under the place.
      expect(result.stderr.split("\n")[2]).toMatch(/^\s*\^~*$/);
    });

    it("names standard input <stdin>", () => {
      const result = runCli(["plan", "--build-platform", BUILD_PLATFORM, "-"], { input: "FROM alpine\nCOPY --from=3 /a /a\n" });
      expect([result.status, result.stdout]).toEqual([1, ""]);
      expect(result.stderr).toMatch(/^<stdin>:2:6: error: stage index 3 is out of range/);
    });
  });

  describe("usage errors: exit 2, nothing on stdout, no stack trace", () => {
    const file = scenarioFile("04-copy-arch-path");
    const cases: [string, string[], RegExp][] = [
      ["a malformed --platform", ["--platform", "linux/"], /^dfc: --platform: invalid platform "linux\/": architecture is empty\n/],
      ["a --platform that is neither an OS nor an architecture", ["--platform", "linux/amd64,foo"], /^dfc: --platform: invalid platform "foo"/],
      ["a malformed --build-platform", ["--build-platform", "foo"], /^dfc: --build-platform: invalid platform "foo"/],
      ["a malformed --worker", ["--worker", "/arm64"], /^dfc: --worker: invalid platform "\/arm64"/],
      ["an unknown option", ["--frobnicate"], /^dfc: Unknown option '--frobnicate'/],
      ["an unknown --format", ["--format", "yaml"], /^dfc: --format must be one of text, json, dot, mermaid \(got "yaml"\)/],
      ["two Dockerfiles", ["-f", file], /^dfc: dfc plan reads one Dockerfile/],
    ];
    it.each(cases)("%s", (_, extra, message) => {
      const result = runCli(["plan", "--build-platform", BUILD_PLATFORM, ...extra, file]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });

    it("a missing file", () => {
      const result = runCli(["plan", "--build-platform", BUILD_PLATFORM, fixture("no-such.Dockerfile")]);
      expect([result.status, result.stdout]).toEqual([2, ""]);
      expect(result.stderr).toMatch(/^dfc: cannot read .*no-such\.Dockerfile: no such file/);
    });
  });
});
