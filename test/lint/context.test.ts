/**
 * The analysis compiles a file that cannot tell its targets apart once per
 * operating system and re-labels the other targets' platforms. Each such
 * view must equal the one a compile for that target alone gives: checked on
 * every corpus file and on hand-written files with pinned, flagged and
 * inherited stage platforms.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyze, type LintInput, type TargetView } from "../../src/lint/context.js";
import { parsePlatform, type Platform } from "../../src/platform/index.js";
import { parseDockerfile } from "../../src/syntax/index.js";

const root = fileURLToPath(new URL("../../corpus/real/", import.meta.url));
const corpus = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
  .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"));

const HAND_WRITTEN = [
  "FROM golang AS build\nRUN go build -o /app .\nFROM build AS test\nRUN go test ./...\nFROM alpine\nCOPY --from=build /app /app\n",
  "FROM --platform=$BUILDPLATFORM golang AS build\nRUN go build -o /app .\nFROM build AS again\nRUN ls\nFROM scratch\nCOPY --from=again /app /app\n",
  "FROM --platform=linux/arm64 debian AS arm\nRUN uname -m\nFROM arm\nRUN echo $PATH\n",
  "ARG BASE=alpine\nFROM $BASE\nENV A=1\nARG B=2\nRUN echo $A $B\nCMD [\"/app\"]\n",
];

const BUILD = parsePlatform("linux/amd64");

function input(source: string, platforms: readonly Platform[]): LintInput | null {
  let dockerfile;
  try {
    dockerfile = parseDockerfile(source);
  } catch {
    return null;
  }
  return { file: "Dockerfile", source, dockerfile, platforms, buildPlatform: BUILD, workers: [], buildArgs: new Map(), targetStage: null, resolver: undefined, dockerignore: null };
}

/** What rules read of a view, without object identities. */
function shape(view: TargetView): unknown {
  return {
    platform: view.platform,
    instructions: view.instructions.map((instruction) => instruction.range.start.offset),
    compiled: view.compiled === null ? null : { ...view.compiled, setup: { ...view.compiled.setup, stages: view.compiled.setup.stages.length } },
    error: view.error?.message ?? null,
    steps: view.steps.map((step) => ({ stage: step.stage, definition: step.definition.index, command: step.command.source.range.start.offset, declaredArgs: [...step.declaredArgs], env: [...step.env], exec: step.exec })),
  };
}

describe("analysis of targets that compile alike", () => {
  const platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7"].map((spec) => parsePlatform(spec));

  it("gives each target the view its own compile gives", () => {
    let checked = 0;
    for (const source of [...HAND_WRITTEN, ...corpus]) {
      const together = input(source, platforms);
      if (together === null) continue;
      const views = analyze(together, () => {}).targets;
      for (const view of views) {
        const alone = analyze(input(source, [view.platform]) as LintInput, () => {}).targets[0] as TargetView;
        expect(shape(view), source.slice(0, 80)).toEqual(shape(alone));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(700);
  });

  it("moves stages that run as the target, and those built on them, but not pinned ones", () => {
    const source = HAND_WRITTEN[1] as string;
    const [, arm] = analyze(input(source, platforms.slice(0, 2)) as LintInput, () => {}).targets;
    const stagePlatforms = arm?.compiled?.stages.map((stage) => `${stage.name ?? stage.index} ${stage.platform.architecture}`);
    expect(stagePlatforms).toEqual(["build amd64", "again amd64", "2 arm64"]);
  });
});
