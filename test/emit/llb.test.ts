/**
 * `dfc compile --format llb`: every definition decodes back with the same
 * schema (digests recompute, inputs come first, one result), re-encodes to
 * the same bytes, is in BuildKit's canonical wire form, and shares op
 * digests across builds exactly where the planner shares vertices.
 *
 * Goldens: test/plan/scenarios/<name>/llb.txt, one op per entry with its
 * progress name and fields, reviewed by hand against BuildKit's client
 * library (client/llb) and Dockerfile frontend.
 *
 *   UPDATE_GOLDENS=1 npx vitest run test/emit/llb.test.ts   rewrites them
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeDefinition } from "../../src/emit/llb/decode.js";
import { llbIndex, llbTargets, type LlbTarget } from "../../src/emit/llb/definition.js";
import { LlbUnsupportedError } from "../../src/emit/llb/ops.js";
import { DefinitionSchema, OpSchema } from "../../src/emit/llb/ops_pb.js";
import type { Plan } from "../../src/plan/plan.js";
import { planBuild } from "../../src/plan/plan.js";
import { parsePlatform } from "../../src/platform/index.js";
import { parseDockerfile, SourceError } from "../../src/syntax/index.js";
import { runCli } from "../cli/run-cli.js";
import { loadScenario, planScenario, planText, scenariosDir } from "../plan/helpers.js";
import { canonicalProblems } from "./llb-wire.js";

const UPDATE = process.env["UPDATE_GOLDENS"] === "1";
const scenarioNames = readdirSync(scenariosDir).sort();

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** Everything a definition must satisfy; returns the decoded form for further checks. */
function checkDefinition(target: LlbTarget): ReturnType<typeof decodeDefinition> {
  const decoded = decodeDefinition(target.definition);
  const problems = canonicalProblems(target.definition, DefinitionSchema);
  if (!sameBytes(toBinary(DefinitionSchema, fromBinary(DefinitionSchema, target.definition)), target.definition)) problems.push("definition re-encodes differently");
  for (const op of decoded.ops) {
    if (!sameBytes(toBinary(OpSchema, op.op), op.bytes)) problems.push(`${op.digest} re-encodes differently`);
    problems.push(...canonicalProblems(op.bytes, OpSchema));
    // Op.platform exactly where BuildKit sets it.
    const platformed = op.op.op.case === "exec" || (op.op.op.case === "source" && /^(docker-image|oci-layout):\/\//.test(op.op.op.value.identifier));
    if ((op.op.platform !== undefined) !== platformed) problems.push(`${op.digest}: platform ${op.op.platform === undefined ? "missing" : "set"}`);
    if (op.op.constraints === undefined) problems.push(`${op.digest}: no constraints`);
  }
  expect(problems).toEqual([]);
  if (decoded.root !== null) expect(decoded.ops.map((op) => op.digest)).toContain(decoded.root.digest);
  expect(target.ops).toEqual([...decoded.ops.map((op) => op.digest), ...(decoded.root === null ? [] : [decoded.root.final])]);
  return decoded;
}

/** The planner's vertices shared by several builds, as op digests, next to the ops that occur in several files. */
function sharing(plan: Plan, targets: readonly LlbTarget[]): { planner: string[]; llb: string[] } {
  const buildOf = new Map(plan.targets.flatMap((target, build) => target.publishedAs.map((platform) => [platform, build] as const)));
  const opOf = new Map(targets.flatMap((target) => [...target.opOf]));
  const files = new Map<string, number>();
  for (const target of targets) for (const digest of new Set(target.ops)) files.set(digest, (files.get(digest) ?? 0) + 1);
  // Helper ops (cache mount directories) are not planner vertices; they are left out of the comparison.
  const vertexOps = new Set(opOf.values());
  const llb = [...files].filter(([digest, count]) => count > 1 && vertexOps.has(digest)).map(([digest]) => digest);
  const planner = plan.vertices
    .filter((planned) => new Set(planned.targets.map((platform) => buildOf.get(platform))).size > 1)
    .flatMap((planned) => opOf.get(planned.vertex.id) ?? []);
  return { planner: [...new Set(planner)].sort(), llb: llb.sort() };
}

function render(plan: Plan, targets: readonly LlbTarget[]): string {
  const index = llbIndex(plan, targets);
  const shared = new Set(index.shared);
  const short = (digest: string): string => digest.slice(7, 19);
  const lines: string[] = [];
  for (const target of targets) {
    const decoded = decodeDefinition(target.definition);
    lines.push(`== ${target.file} (${target.platform}; published as ${target.publishedAs.join(", ")})`);
    for (const op of decoded.ops) {
      const json = JSON.stringify(toJson(OpSchema, op.op)).replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}/g, "$1");
      lines.push(`${short(op.digest)}${shared.has(op.digest) ? " shared" : ""} ${decoded.metadata[op.digest]?.description["llb.customname"] ?? "(no name)"}`);
      lines.push(`  ${json}`);
    }
    lines.push(`result: ${decoded.root === null ? "empty image" : `${short(decoded.root.digest)}#${decoded.root.index}`}`, "");
  }
  return lines.join("\n");
}

describe("LLB for the planner scenarios", () => {
  it.each(scenarioNames)("%s decodes, re-encodes byte for byte, and is canonical", (name) => {
    const plan = planScenario(loadScenario(name));
    const targets = llbTargets(plan);
    expect(targets.map((target) => target.publishedAs)).toEqual(plan.targets.map((target) => target.publishedAs));
    for (const target of targets) checkDefinition(target);
  });

  it.each(scenarioNames)("%s shares op digests across builds exactly where the planner shares vertices", (name) => {
    const plan = planScenario(loadScenario(name));
    const { planner, llb } = sharing(plan, llbTargets(plan));
    expect(llb).toEqual(planner);
  });

  // Lowering is memoized per vertex within one plan, so the check above could not see a shared
  // vertex lowered for the wrong build: compare every build with a plan of its platforms alone.
  it.each(scenarioNames)("%s: every build has the ops of a plan made for its platforms alone", (name) => {
    const scenario = loadScenario(name);
    for (const target of llbTargets(planScenario(scenario))) {
      const alone = llbTargets(planText(scenario.text, { ...scenario.config, platforms: [...target.publishedAs] }));
      // The same ops; their order follows each plan's vertex order, which may differ.
      expect(alone.map((build) => [...build.ops].sort())).toEqual([[...target.ops].sort()]);
    }
  });

  it.each(scenarioNames)("%s matches llb.txt", (name) => {
    const plan = planScenario(loadScenario(name));
    const actual = render(plan, llbTargets(plan));
    const golden = join(scenariosDir, name, "llb.txt");
    if (UPDATE) {
      writeFileSync(golden, actual);
      return;
    }
    expect(existsSync(golden), `${name}/llb.txt is missing: run UPDATE_GOLDENS=1 and review it`).toBe(true);
    expect(actual).toBe(readFileSync(golden, "utf8"));
  });
});

const corpusRoot = new URL("../../corpus/real/", import.meta.url);
const corpusFiles = readdirSync(corpusRoot, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => relative(fileURLToPath(corpusRoot), join(entry.parentPath, entry.name)))
  .sort();
const PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64"];

/** The LLB of a corpus file, or null when the file does not compile (test/plan/corpus.test.ts lists those). */
function corpusLlb(file: string, platforms: readonly string[]): LlbTarget[] | null {
  try {
    const plan = planBuild(parseDockerfile(readFileSync(new URL(file, corpusRoot), "utf8")), {
      platforms: platforms.map((platform) => parsePlatform(platform)),
      buildPlatform: parsePlatform("linux/amd64"),
    });
    return llbTargets(plan);
  } catch (error) {
    if (error instanceof SourceError && !(error instanceof LlbUnsupportedError)) return null;
    throw error;
  }
}

describe("LLB for the corpus", () => {
  it("every file that compiles gives definitions that decode, re-encode and are canonical (amd64 + arm64)", () => {
    let compiled = 0;
    for (const file of corpusFiles) {
      const targets = corpusLlb(file, ["linux/amd64", "linux/arm64"]);
      if (targets === null) continue;
      compiled++;
      for (const target of targets) checkDefinition(target);
    }
    expect(compiled).toBeGreaterThan(corpusFiles.length - 15);
  });

  it("every definition passes the same checks for random files and platform sets", () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpusFiles), fc.subarray(PLATFORMS, { minLength: 1, maxLength: 4 }), (file, platforms) => {
        const targets = corpusLlb(file, platforms);
        // Pairs that do not compile are not counted as runs.
        fc.pre(targets !== null);
        for (const target of targets) checkDefinition(target);
      }),
      { numRuns: 60 },
    );
  });
});

describe("LLB details that BuildKit relies on", () => {
  const llbOf = (text: string, platforms = ["linux/amd64"]): ReturnType<typeof decodeDefinition> => {
    const [target] = llbTargets(planText(text, { platforms }));
    if (target === undefined) throw new Error("no target");
    return checkDefinition(target);
  };
  const opsOf = (text: string, kind: string) => llbOf(text).ops.filter((op) => op.op.op.case === kind);

  it("sorts exec mounts by destination after the root mount, with BuildKit's input and output numbers", () => {
    const [run] = opsOf("FROM alpine AS a\nFROM alpine\nRUN --mount=type=cache,target=/z --mount=type=bind,from=a,source=/src,target=/b --mount=type=tmpfs,target=/t --mount=type=secret,id=tok true", "exec");
    if (run?.op.op.case !== "exec") throw new Error("no exec");
    const mounts = run.op.op.value.mounts.map((mount) => [mount.dest, mount.input, mount.output, mount.mountType, mount.selector]);
    expect(mounts).toEqual([
      ["/", 0n, 0n, 0, ""],
      ["/b", 0n, -1n, 0, "/src"],
      ["/t", -1n, -1n, 4, ""],
      ["/z", -1n, -1n, 3, ""],
      ["/run/secrets/tok", -1n, 0n, 1, ""],
    ]);
    // Both bind sources are the same alpine image: one input.
    expect(run.op.inputs).toHaveLength(1);
  });

  it("writes a cache mount's uid, gid and mode as a helper op that makes its directory", () => {
    const decoded = llbOf("FROM alpine\nRUN --mount=type=cache,target=/c,uid=1000,gid=1000,mode=0700 true");
    const helper = decoded.ops.find((op) => decoded.metadata[op.digest]?.description["llb.customname"] === "[internal] settings cache mount permissions");
    expect(helper?.op.op.case).toBe("file");
    const exec = decoded.ops.find((op) => op.op.op.case === "exec");
    if (exec?.op.op.case !== "exec") throw new Error("no exec");
    const cache = exec.op.op.value.mounts.find((mount) => mount.dest === "/c");
    expect(exec.op.inputs.map((input) => input.digest)).toContain(helper?.digest);
    expect(cache?.selector).toBe("/cache");
  });

  it("chains a multi-source COPY as one file op, numbering each action's input after the real inputs", () => {
    const [copy] = opsOf("FROM alpine\nCOPY a b /dst/", "file");
    if (copy?.op.op.case !== "file") throw new Error("no file op");
    const actions = copy.op.op.value.actions.map((action) => [action.input, action.secondaryInput, action.output]);
    expect(actions).toEqual([
      [0n, 1n, -1n],
      [2n, 1n, 0n],
    ]);
    const [first] = copy.op.op.value.actions;
    expect(first?.action.case === "copy" ? [first.action.value.src, first.action.value.mode, first.action.value.timestamp] : null).toEqual(["/a", -1, -1n]);
  });

  it("names the file of an ADD <url> after the URL's last segment, __unnamed__ without one", () => {
    const sources = (text: string): unknown[] => opsOf(text, "source").map((op) => (op.op.op.case === "source" ? op.op.op.value.attrs["http.filename"] : null));
    expect(sources("FROM scratch\nADD https://example.com/dl/tool.tar.gz /")).toEqual(["tool.tar.gz"]);
    expect(sources("FROM scratch\nADD https://example.com/ /")).toEqual(["__unnamed__"]);
  });

  it("writes nothing for COPY from an empty stage: the source is the empty file system (-1)", () => {
    const [copy] = opsOf("FROM scratch AS empty\nFROM alpine\nCOPY --from=empty /x /x", "file");
    if (copy?.op.op.case !== "file") throw new Error("no file op");
    expect(copy.op.op.value.actions[0]?.secondaryInput).toBe(-1n);
    expect(copy.op.inputs).toHaveLength(1);
  });

  it("writes an empty definition for an empty scratch image", () => {
    const decoded = llbOf("FROM scratch\nCMD [\"x\"]");
    expect(decoded.ops).toEqual([]);
    expect(decoded.root).toBeNull();
  });

  it("writes a chain of 10,000 steps (the closure is walked without recursion)", () => {
    const decoded = llbOf(`FROM alpine\n${Array.from({ length: 10_000 }, (_, index) => `RUN echo ${index}`).join("\n")}\n`);
    expect(decoded.ops).toHaveLength(10_001);
  });

  it("refuses an OCI layout named context, which BuildKit reads through its session", () => {
    const plan = planBuild(parseDockerfile("FROM alpine\nCOPY --from=tools /x /x\n"), {
      platforms: [parsePlatform("linux/amd64")],
      buildPlatform: parsePlatform("linux/amd64"),
      namedContexts: new Map([["tools", "/layouts/tools"]]),
    });
    expect(() => llbTargets(plan)).toThrow(expect.objectContaining({ name: "LlbUnsupportedError", range: expect.objectContaining({ start: expect.objectContaining({ line: 2 }) }) }));
  });

  it("refuses COPY --parents with the instruction's place", () => {
    expect(() => llbTargets(planText("FROM alpine\nCOPY --parents a/b /dst/", { platforms: ["linux/amd64"] }))).toThrow(
      expect.objectContaining({ name: "LlbUnsupportedError", range: expect.objectContaining({ start: expect.objectContaining({ line: 2 }) }) }),
    );
  });
});

describe("dfc compile --format llb", () => {
  const dockerfile = join(scenariosDir, "02-shared-builder", "Dockerfile");

  it("writes one .pb per build and index.json naming them and the shared ops", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "dfc-llb-")), "out");
    const result = runCli(["compile", "--format", "llb", "--platform", "linux/amd64,linux/arm64,linux/arm/v7", "-o", dir, dockerfile]);
    expect(result.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["index.json", "linux_amd64.pb", "linux_arm64.pb", "linux_arm_v7.pb"]);
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { shared: string[]; targets: { file: string }[] };
    expect(index.shared.length).toBeGreaterThan(0);
    for (const { file } of index.targets) {
      const ops = decodeDefinition(readFileSync(join(dir, file))).ops.map((op) => op.digest);
      for (const digest of index.shared) expect(ops).toContain(digest);
    }
  });

  it("writes a single build's definition to standard output, and asks for a directory when there are several", () => {
    const one = spawnSync(process.execPath, [fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url)), "compile", "--format", "llb", "--platform", "linux/arm64", dockerfile]);
    expect(one.status).toBe(0);
    const [target] = llbTargets(planText(readFileSync(dockerfile, "utf8"), { platforms: ["linux/arm64"] }));
    expect(new Uint8Array(one.stdout)).toEqual(target?.definition);
    const several = runCli(["compile", "--format", "llb", "--platform", "linux/amd64,linux/arm64", dockerfile]);
    expect(several.status).toBe(2);
    expect(several.stdout).toBe("");
    expect(several.stderr).toContain("--output DIR");
  });
});
