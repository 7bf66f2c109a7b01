/**
 * Lowering IFARCH / TAGARCH to a standard Dockerfile. The contract: the
 * lowered text parses, has no IFARCH, ENDIFARCH or TAGARCH, and planned for
 * the same platforms (same build platform, build args, --target) gives every
 * requested platform exactly the same exec vertices, by digest, as the
 * original. The tests check all vertices and each platform's root as well,
 * which holds too: lowering changes names, never work.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompileError } from "../../src/compile/errors.js";
import { LoweringError, lowerDockerfile } from "../../src/emit/lower-dockerfile.js";
import { lintSource } from "../../src/lint/lint.js";
import type { Plan } from "../../src/plan/plan.js";
import { SourceError } from "../../src/syntax/errors.js";
import { parseDockerfile } from "../../src/syntax/index.js";
import { printDockerfile } from "../../src/syntax/printer.js";
import { runCli } from "../cli/run-cli.js";
import { loadScenario, P, planText, scenariosDir, type ScenarioConfig } from "../plan/helpers.js";

/** The proposal's example, as test/plan/scenarios/09-ifarch-rootfs keeps it. */
const ROOTFS = fileURLToPath(new URL("../plan/scenarios/09-ifarch-rootfs/Dockerfile", import.meta.url));
const ROOTFS_PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6"];

// ---- the contract -----------------------------------------------------------

/** For each requested platform: the ids of its vertices, sorted. */
function workOf(plan: Plan, platforms: readonly string[]): Map<string, string[]> {
  return new Map(
    platforms.map((platform) => [
      platform,
      plan.vertices
        .filter((planned) => planned.targets.includes(platform))
        .map((planned) => planned.vertex.id)
        .sort(),
    ]),
  );
}

/** The root each requested platform publishes. */
function rootsOf(plan: Plan): Map<string, string | null> {
  return new Map(plan.targets.flatMap((target) => target.publishedAs.map((platform) => [platform, target.root] as const)));
}

/** The platforms as planBuild names them (normalized). */
const normalized = (config: ScenarioConfig): string[] => [...new Set(planText("FROM scratch\n", { platforms: config.platforms }).targets.flatMap((target) => target.publishedAs))];

/** Lowers `text` for `config`, checks the contract, returns the lowered text. */
function expectSameWork(text: string, config: ScenarioConfig): string {
  const lowered = lowerDockerfile(parseDockerfile(text), config.platforms.map((spec) => P(spec)));
  expect(lowered).not.toMatch(/^\s*(?:IFARCH|ENDIFARCH|TAGARCH)\b/im);
  const reparsed = parseDockerfile(lowered);
  expect(reparsed.body.every((statement) => statement.kind !== "ARCH_BLOCK" && statement.kind !== "TAGARCH")).toBe(true);
  const before = planText(text, config);
  const after = planText(lowered, config);
  const platforms = normalized(config);
  // Every vertex, exec work included (its digests are the contract), per platform.
  expect(workOf(after, platforms)).toEqual(workOf(before, platforms));
  expect(rootsOf(after)).toEqual(rootsOf(before));
  return lowered;
}

const lines = (...list: string[]): string => `${list.join("\n")}\n`;

function loweringError(text: string, platforms: readonly string[]): LoweringError {
  try {
    lowerDockerfile(parseDockerfile(text), platforms.map((spec) => P(spec)));
  } catch (error) {
    if (error instanceof LoweringError) return error;
    throw error;
  }
  throw new Error("expected a LoweringError, but the file was lowered");
}

// ---- every IFARCH file in the repository ------------------------------------

describe("round trip", () => {
  it("the proposal's example for amd64, arm64, arm/v7 and arm/v6", () => {
    const lowered = expectSameWork(readFileSync(ROOTFS, "utf8"), { platforms: ROOTFS_PLATFORMS });
    // The three ARM platforms share one build: the arm/v6 copy is pinned, the others alias it.
    expect(lowered).toContain("FROM --platform=linux/arm/v6 scratch AS stage-0-armv6");
    expect(lowered).toContain("FROM stage-0-armv6 AS stage-0-arm64");
  });

  it("the proposal's example for every non-empty subset of its platforms", () => {
    const text = readFileSync(ROOTFS, "utf8");
    for (let mask = 1; mask < 1 << ROOTFS_PLATFORMS.length; mask++) {
      expectSameWork(text, { platforms: ROOTFS_PLATFORMS.filter((_, index) => (mask & (1 << index)) !== 0) });
    }
  });

  it("every plan scenario, with its platforms, workers, build args and --target (IFARCH or not)", () => {
    const scenarios = readdirSync(scenariosDir).map(loadScenario);
    expect(scenarios.map((scenario) => scenario.name)).toContain("10-ifarch-whole-stages");
    for (const scenario of scenarios) expectSameWork(scenario.text, scenario.config);
  });

  it("scenario 10 (IFARCH around whole stages, one name) keeps --target base", () => {
    const scenario = loadScenario("10-ifarch-whole-stages");
    const lowered = expectSameWork(scenario.text, { ...scenario.config, target: "base" });
    expect(lowered).toContain("FROM base-${TARGETARCH}${TARGETVARIANT} AS base");
    // The comment above the first IFARCH line moves to the first instruction of its block.
    expect(lowered).toMatch(/^# IFARCH around whole stages: [^\n]*\n# [^\n]*\nFROM alpine:3.20 AS base-amd64$/m);
    expect(expectSameWork(scenario.text, { platforms: ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386"] })).toContain("FROM base-386 AS stage-1-386");
  });

  it("a file without IFARCH prints unchanged, and one whose blocks resolve alike for every platform just loses them", () => {
    const scenario = loadScenario("01-go-cross");
    const dockerfile = parseDockerfile(scenario.text);
    expect(lowerDockerfile(dockerfile, [P("linux/amd64"), P("linux/arm64")])).toBe(printDockerfile(dockerfile));
    const text = lines("FROM alpine:3.20", "IFARCH !s390x", "RUN echo not on z", "ENDIFARCH", "IFARCH s390x", "RUN echo z", "ENDIFARCH");
    const lowered = expectSameWork(text, { platforms: ["linux/amd64", "linux/arm64"] });
    expect(lowered).toBe(lines("", "FROM alpine:3.20", "RUN echo not on z"));
  });

  it("IFARCH inside a stage, nested blocks, COPY --from and RUN --mount from= by name and by index", () => {
    const text = lines(
      "ARG ALPINE=3.20",
      "FROM alpine:${ALPINE} AS tools",
      "IFARCH amd64",
      "RUN echo x86 tools",
      "IFARCH !arm64",
      "RUN echo nested",
      "ENDIFARCH",
      "ENDIFARCH",
      "FROM --platform=$BUILDPLATFORM golang:1.22 AS build",
      "ARG TARGETARCH",
      "RUN --mount=from=tools,target=/t GOARCH=$TARGETARCH go build",
      "IFARCH arm arm64",
      "COPY --from=0 /etc/os-release /arm",
      "ENDIFARCH",
      "FROM alpine:${ALPINE}",
      "COPY --from=build /out /app",
      // CSV quoting inside the flag, shell quoting around it.
      `RUN --mount='type=cache,"target=/var/cache,x",from=tools' echo cached`,
    );
    const platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386"];
    const lowered = expectSameWork(text, { platforms });
    expect(expectSameWork(text, { platforms, target: "build" })).toBe(lowered);
    expect(expectSameWork(text, { platforms, buildArgs: { ALPINE: "3.19" }, buildPlatform: "linux/arm64" })).toBe(lowered);
    expect(lowered).toContain("COPY --from=tools-armv7 /etc/os-release /arm");
    expect(lowered).toContain('RUN --"mount=type=cache,\\"target=/var/cache,x\\",from=tools-386" echo cached');
  });

  it("a TAGARCH group whose build platform is not requested, and amd64 served by a 386 build", () => {
    const text = lines("FROM --platform=$BUILDPLATFORM alpine AS build", "RUN echo build", "FROM debian AS final", "COPY --from=build / /", "IFARCH arm64 amd64", "RUN echo grouped", "TAGARCH arm64 arm7 armv6", "ENDIFARCH");
    const lowered = expectSameWork(text, { platforms: ["linux/arm64", "linux/arm/v7"] });
    expect(lowered).toContain("FROM --platform=linux/arm/v6 debian AS final-armv6");
    // A FROM that already names its platform keeps it.
    expect(lowered).toContain("FROM --platform=$BUILDPLATFORM alpine AS build-armv6");
    const x86 = lines("FROM alpine", "IFARCH amd64", "RUN echo one build for both", "TAGARCH amd64 386", "ENDIFARCH");
    expect(expectSameWork(x86, { platforms: ["linux/amd64", "linux/386"] })).toContain("FROM --platform=linux/386 alpine AS stage-0-386");
  });

  it("the default target named differently per platform gets a dispatch name of its own", () => {
    const text = lines("IFARCH amd64", "FROM alpine AS x86", "RUN echo x86", "ENDIFARCH", "IFARCH !amd64", "FROM alpine", "RUN echo other", "ENDIFARCH");
    const lowered = expectSameWork(text, { platforms: ["linux/amd64", "linux/arm64"] });
    expect(lowered).toContain("FROM x86-amd64 AS default-amd64");
    expect(lowered).toContain("FROM stage-0-arm64 AS default-arm64");
    expect(lowered.trimEnd().split("\n").pop()).toBe("FROM default-${TARGETARCH}${TARGETVARIANT}");
  });

  it("a file whose escape character is a backtick keeps it", () => {
    const text = lines("# escape=`", "FROM alpine", "IFARCH amd64", "RUN echo a `", "  b", "ENDIFARCH");
    expect(expectSameWork(text, { platforms: ["linux/amd64", "linux/arm64"] }).startsWith("# escape=`\n\n")).toBe(true);
  });

  it("the lowered files raise no lint finding (constant --platform flags name their architecture)", () => {
    const files: [string, readonly string[]][] = [
      [readFileSync(ROOTFS, "utf8"), ROOTFS_PLATFORMS],
      [loadScenario("10-ifarch-whole-stages").text, ["linux/amd64", "linux/arm64", "linux/arm/v7"]],
    ];
    for (const [text, platforms] of files) {
      const options = { platforms: platforms.map((spec) => P(spec)), buildPlatform: P("linux/amd64") };
      expect(lintSource("Dockerfile", text, options)).toEqual([]);
      expect(lintSource("Dockerfile", lowerDockerfile(parseDockerfile(text), options.platforms), options)).toEqual([]);
    }
  });

  it("an unknown architecture is the compiler's error, as when planning", () => {
    const text = readFileSync(fileURLToPath(new URL("../plan/fixtures/cli/bad-ifarch.Dockerfile", import.meta.url)), "utf8");
    expect(() => lowerDockerfile(parseDockerfile(text), [P("linux/amd64")])).toThrow(CompileError);
  });
});

// ---- the proposal's example, by hand ---------------------------------------

describe("golden: the proposal's example for amd64, arm64, arm/v7, arm/v6", () => {
  it("is the text reviewed by hand", () => {
    const lowered = lowerDockerfile(parseDockerfile(readFileSync(ROOTFS, "utf8")), ROOTFS_PLATFORMS.map((spec) => P(spec)));
    expect(lowered).toBe(ROOTFS_GOLDEN);
  });
});

/**
 * Reviewed by hand: amd64 keeps its x64 root filesystem; arm/v6 is the
 * TAGARCH group's build, pinned with --platform so that arm/v7 and arm64,
 * which reach it through their aliases (TARGETVARIANT is v7 for arm/v7 and
 * empty for arm64), run the same build; the last stage dispatches, unnamed
 * like the original's only stage.
 */
const ROOTFS_GOLDEN = lines(
  "# Lowered by dfc from IFARCH/TAGARCH for linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64:",
  "# stages that differ by platform have a copy per build platform, and the",
  "# last stages pick one with ${TARGETARCH}${TARGETVARIANT}. Build it for",
  "# these platforms only.",
  "# For linux/amd64.",
  "# One image, several architectures, no QEMU: each architecture gets its own",
  "# root filesystem, and one ARM build is published for every ARM platform it",
  "# runs on (the IFARCH/TAGARCH proposal's example).",
  "FROM scratch AS stage-0-amd64",
  "ADD rootfs-x64.tar.xz /",
  'CMD ["/bin/sh"]',
  "",
  "# For linux/arm/v6, pinned: one build published as linux/arm/v6, linux/arm/v7, linux/arm64 (TAGARCH).",
  "FROM --platform=linux/arm/v6 scratch AS stage-0-armv6",
  "ADD rootfs-arm.tar.xz /",
  'CMD ["/bin/sh"]',
  "",
  "# TAGARCH members use their group's build.",
  "FROM stage-0-armv6 AS stage-0-armv7",
  "FROM stage-0-armv6 AS stage-0-arm64",
  "",
  "# The default target.",
  "FROM stage-0-${TARGETARCH}${TARGETVARIANT}",
);

// ---- refusals ---------------------------------------------------------------

describe("refusals", () => {
  const at = (error: LoweringError): [number, number] => [error.range.start.line, error.range.start.column];
  const TAGGED = ["linux/arm64", "linux/arm/v7"];

  it("LoweringError is a SourceError with a range, like a compile error", () => {
    const error = loweringError(lines("FROM alpine", "IFARCH arm64 arm7", "ARG TARGETARCH", "TAGARCH arm64 arm7", "ENDIFARCH"), TAGGED);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.name).toBe("LoweringError");
    expect(at(error)).toEqual([3, 5]);
    expect(error.message).toMatch(/TAGARCH.*TARGETARCH/);
  });

  it("a pinned TAGARCH copy that reads a TARGET* arg in a FROM line, directly or through a global ARG", () => {
    expect(at(loweringError(lines("FROM --platform=$TARGETPLATFORM alpine", "IFARCH arm64", "TAGARCH arm64 arm7", "ENDIFARCH"), TAGGED))).toEqual([1, 6]);
    const derived = lines("ARG ARCH=${TARGETARCH}", "FROM alpine", "ARG ARCH", "IFARCH arm64", "TAGARCH arm64 arm7", "ENDIFARCH");
    expect(at(loweringError(derived, TAGGED))).toEqual([3, 5]);
    // The same files lower when no copy is pinned.
    expectSameWork(derived, { platforms: ["linux/amd64", "linux/arm/v7"] });
  });

  it("a pinned TAGARCH copy that names an image in COPY --from", () => {
    const error = loweringError(lines("FROM alpine", "COPY --from=busybox:musl /bin/busybox /bin/", "IFARCH arm64", "TAGARCH arm64 arm7", "ENDIFARCH"), TAGGED);
    expect(at(error)).toEqual([2, 6]);
    expect(error.message).toMatch(/busybox:musl/);
  });

  it("a reference through a variable that could name a stage", () => {
    const fromVariable = lines("ARG BASE=alpine", "FROM alpine AS tools", "IFARCH amd64", "RUN echo x", "ENDIFARCH", "FROM ${BASE}");
    expect(at(loweringError(fromVariable, ["linux/amd64", "linux/arm64"]))).toEqual([6, 6]);
    const copyVariable = lines("FROM alpine AS tools", "IFARCH amd64", "RUN echo x", "ENDIFARCH", "FROM alpine", "ARG SRC=tools", "COPY --from=$SRC / /");
    expect(at(loweringError(copyVariable, ["linux/amd64", "linux/arm64"]))).toEqual([7, 6]);
    // A literal repository part rules out every stage name.
    expectSameWork(lines("ARG BASE=alpine", "FROM alpine AS tools", "IFARCH amd64", "RUN echo x", "ENDIFARCH", "FROM docker.io/library/${BASE}"), { platforms: ["linux/amd64", "linux/arm64"] });
  });

  it("a stage name that the renaming would use twice", () => {
    const error = loweringError(lines("FROM alpine AS app-amd64", "FROM alpine AS app", "IFARCH amd64", "RUN echo x", "ENDIFARCH"), ["linux/amd64", "linux/arm64"]);
    expect(error.message).toMatch(/two stages "app-amd64"/);
    // At the stage whose renamed copy would take the name.
    expect(at(error)).toEqual([2, 1]);
  });

  it("a stage missing for a platform whose alias would then name an invalid image reference", () => {
    const text = lines("IFARCH amd64", "FROM alpine AS tools.", "ENDIFARCH", "FROM alpine", "IFARCH amd64", "RUN echo x", "ENDIFARCH");
    expect(at(loweringError(text, ["linux/amd64", "linux/arm64"]))).toEqual([2, 1]);
    expect(lowerDockerfile(parseDockerfile(text.replace("tools.", "tools")), [P("linux/amd64"), P("linux/arm64")])).toContain("AS tools\n");
  });

  it("a dispatch that would land on an unrelated stage", () => {
    // `tools` exists for amd64 only; for arm64, `tools-arm64` is a different stage that --target tools would pick.
    const text = lines("IFARCH amd64", "FROM alpine AS tools", "ENDIFARCH", "FROM alpine AS tools-arm64", "FROM alpine", "IFARCH amd64", "RUN echo x", "ENDIFARCH");
    expect(loweringError(text, ["linux/amd64", "linux/arm64"]).message).toMatch(/"tools-arm64"/);
  });

  it("global ARGs that differ between build platforms, or that set TARGETARCH", () => {
    expect(at(loweringError(lines("IFARCH amd64", "ARG V=1", "ENDIFARCH", "FROM alpine"), ["linux/amd64", "linux/arm64"]))).toEqual([2, 1]);
    expect(at(loweringError(lines("ARG TARGETARCH=amd64", "FROM alpine", "IFARCH amd64", "RUN echo x", "ENDIFARCH"), ["linux/amd64", "linux/arm64"]))).toEqual([1, 5]);
  });

  it("two requested platforms that TARGETARCH and TARGETVARIANT cannot tell apart", () => {
    // Alone they resolve alike and lower by dropping the blocks; with arm64 they need copies, and one suffix.
    expectSameWork(lines("FROM alpine", "IFARCH amd64", "RUN echo x", "ENDIFARCH"), { platforms: ["linux/amd64", "windows/amd64"] });
    const error = loweringError(lines("FROM alpine", "IFARCH amd64", "RUN echo x", "ENDIFARCH"), ["linux/amd64", "windows/amd64", "linux/arm64"]);
    expect(error.message).toMatch(/"amd64"/);
    expect(at(error)).toEqual([2, 1]);
  });

  it("an ONBUILD trigger that names a stage and runs inside the file", () => {
    const text = lines("FROM alpine AS tools", "FROM alpine AS base", "ONBUILD COPY --from=tools / /", "FROM base", "IFARCH amd64", "RUN echo x", "ENDIFARCH");
    expect(at(loweringError(text, ["linux/amd64", "linux/arm64"]))).toEqual([3, 14]);
    // One that names no stage runs in the copies just as it did.
    expectSameWork(text.replace("--from=tools ", ""), { platforms: ["linux/amd64", "linux/arm64"] });
  });

  it("ONBUILD triggers in the default target, which the final alias stage would run instead of keeping", () => {
    const text = lines("FROM alpine", "IFARCH amd64", "RUN echo x", "ENDIFARCH", "ONBUILD RUN echo for the image's users");
    expect(at(loweringError(text, ["linux/amd64", "linux/arm64"]))).toEqual([5, 1]);
    // Not reached through an alias (the file lowers by dropping the blocks), they stay.
    expect(lowerDockerfile(parseDockerfile(text), [P("linux/amd64")])).toContain("ONBUILD RUN echo for the image's users");
  });

  it("a named stage with ONBUILD triggers gets no --target alias, so --target fails rather than run them", () => {
    const config = { platforms: ["linux/amd64", "linux/arm64"] };
    const text = lines("FROM alpine AS base", "IFARCH amd64", "RUN echo x", "ENDIFARCH", "ONBUILD RUN echo configured", "FROM base");
    const lowered = expectSameWork(text, config);
    expect(lowered).toContain("FROM base-arm64 AS stage-1-arm64");
    expect(lowered).not.toMatch(/ AS base$/m);
    expect(() => planText(lowered, { ...config, target: "base" })).toThrow(/target stage "base" could not be found/);
    // The same stage for every platform is printed once, under its own name: no alias, and --target works.
    const same = lines("FROM alpine AS base", "ONBUILD RUN echo configured", "FROM base", "IFARCH amd64", "RUN echo x", "ENDIFARCH");
    expect(expectSameWork(same, { ...config, target: "base" })).toMatch(/^FROM alpine AS base$/m);
  });

  it("TARGETSTAGE read when the default target's name differs between platforms", () => {
    const text = lines("IFARCH amd64", "FROM alpine AS x86", "ENDIFARCH", "IFARCH !amd64", "FROM alpine AS other", "ENDIFARCH", "ARG TARGETSTAGE", "RUN echo $TARGETSTAGE");
    expect(at(loweringError(text, ["linux/amd64", "linux/arm64"]))).toEqual([7, 5]);
  });
});

// ---- generated files --------------------------------------------------------

const PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386"] as const;
const ARCH_NAMES = ["amd64", "x86_64", "arm64", "aarch64", "arm", "armv7", "armv6", "rpi", "386"] as const;
/** TAGARCH lists whose architectures can all run one build (arm/v6, arm/v7, arm/v7, 386, arm64). */
const TAG_GROUPS = [["arm7", "arm8", "rpi"], ["arm64", "arm7"], ["armv7", "arm8"], ["amd64", "386"], ["arm64"]] as const;

type Line =
  | { readonly kind: "run"; readonly n: number }
  | { readonly kind: "arch" }
  | { readonly kind: "block"; readonly archs: readonly string[]; readonly body: readonly Line[] }
  | { readonly kind: "copyFrom"; readonly pick: number; readonly byIndex: boolean }
  | { readonly kind: "mountFrom"; readonly pick: number };

interface StageSpec {
  /** An image, or `pick` among the earlier named slots. */
  readonly base: string | { readonly pick: number };
  readonly buildPinned: boolean;
  readonly body: readonly Line[];
}

/** A plain stage, or a stage name defined by IFARCH around whole stages: for `archs`, and (if `other`) for every other architecture. */
type Slot =
  | { readonly kind: "plain"; readonly named: boolean; readonly stage: StageSpec }
  | { readonly kind: "split"; readonly named: boolean; readonly archs: readonly string[]; readonly stage: StageSpec; readonly other: StageSpec | null };

const archListArb = fc
  .uniqueArray(fc.record({ name: fc.constantFrom(...ARCH_NAMES), negated: fc.boolean() }), { minLength: 1, maxLength: 3, selector: (arch) => arch.name })
  .map((archs) => archs.map((arch) => (arch.negated ? `!${arch.name}` : arch.name)));

const lineArb = (withTargetArgs: boolean): fc.Arbitrary<Line> =>
  fc.letrec<{ line: Line }>((tie) => ({
    line: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 5, arbitrary: fc.record({ kind: fc.constant("run" as const), n: fc.integer({ min: 0, max: 3 }) }) },
      { weight: withTargetArgs ? 2 : 0, arbitrary: fc.constant({ kind: "arch" as const }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("block" as const), archs: archListArb, body: fc.array(tie("line"), { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("copyFrom" as const), pick: fc.nat(), byIndex: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("mountFrom" as const), pick: fc.nat() }) },
    ),
  })).line;

const stageArb = (withTargetArgs: boolean): fc.Arbitrary<StageSpec> =>
  fc.record({
    base: fc.oneof(fc.constantFrom("alpine:3.20", "debian:bookworm-slim", "scratch", "golang:${GO_VERSION}"), fc.record({ pick: fc.nat() })),
    buildPinned: fc.boolean(),
    body: fc.array(lineArb(withTargetArgs), { maxLength: 4 }),
  });

const slotArb = (withTargetArgs: boolean): fc.Arbitrary<Slot> =>
  fc.oneof(
    fc.record({ kind: fc.constant("plain" as const), named: fc.boolean(), stage: stageArb(withTargetArgs) }),
    fc.record({
      kind: fc.constant("split" as const),
      named: fc.boolean(),
      archs: archListArb.map((archs) => archs.map((arch) => arch.replace("!", ""))),
      stage: stageArb(withTargetArgs),
      other: fc.option(stageArb(withTargetArgs), { nil: null, freq: 4 }),
    }),
  );

/** Names of the earlier slots, and of those every platform has (COPY and mounts only use those, so that none becomes an image). */
function render(slots: readonly Slot[], tag: { readonly slot: number; readonly block: readonly string[]; readonly group: readonly string[] } | null): string {
  const out = ["ARG GO_VERSION=1.22"];
  const named: string[] = [];
  const everywhere: string[] = [];
  slots.forEach((slot, index) => {
    const name = slot.named ? `s${index}` : null;
    const renderStage = (stage: StageSpec, first: boolean): void => {
      const base = typeof stage.base === "string" || named.length === 0 ? (typeof stage.base === "string" ? stage.base : "alpine:3.20") : (named[stage.base.pick % named.length] as string);
      out.push(`FROM ${stage.buildPinned ? "--platform=$BUILDPLATFORM " : ""}${base}${name === null ? "" : ` AS ${name}`}`);
      const renderLine = (line: Line): void => {
        switch (line.kind) {
          case "run":
            return void out.push(`RUN echo ${index}-${line.n}`);
          case "arch":
            return void out.push("ARG TARGETARCH", `RUN echo ${index} $TARGETARCH`);
          case "block":
            out.push(`IFARCH ${line.archs.join(" ")}`);
            line.body.forEach(renderLine);
            return void out.push("ENDIFARCH");
          case "copyFrom":
            if (index === 0) return void out.push(`RUN echo ${index} no stage to copy from`);
            return void out.push(`COPY --from=${line.byIndex || everywhere.length === 0 ? "0" : everywhere[line.pick % everywhere.length]} /etc /from/${index}`);
          case "mountFrom":
            if (everywhere.length === 0) return void out.push(`RUN echo ${index} no stage to mount`);
            return void out.push(`RUN --mount=from=${everywhere[line.pick % everywhere.length]},target=/mnt ls /mnt ${index}`);
        }
      };
      stage.body.forEach(renderLine);
      if (tag !== null && tag.slot === index && first) out.push(`IFARCH ${tag.block.join(" ")}`, `RUN echo tagged ${index}`, `TAGARCH ${tag.group.join(" ")}`, "ENDIFARCH");
    };
    // The first slot is always a plain stage, so that stage 0 exists for every platform.
    if (slot.kind === "plain" || index === 0) {
      renderStage(slot.stage, true);
      if (name !== null) everywhere.push(name);
    } else {
      out.push(`IFARCH ${slot.archs.join(" ")}`);
      renderStage(slot.stage, true);
      out.push("ENDIFARCH");
      if (slot.other !== null) {
        out.push(`IFARCH ${slot.archs.map((arch) => `!${arch}`).join(" ")}`);
        renderStage(slot.other, false);
        out.push("ENDIFARCH");
        if (name !== null) everywhere.push(name);
      }
    }
    if (name !== null) named.push(name);
  });
  return `${out.join("\n")}\n`;
}

/** A generated case; the text is what a counterexample prints. */
class Case {
  constructor(
    readonly text: string,
    readonly platforms: readonly string[],
    readonly target: string | null,
  ) {}
  toString(): string {
    return `${JSON.stringify(this.text)} for ${this.platforms.join(",")}${this.target === null ? "" : ` --target ${this.target}`}`;
  }
}

const platformsArb = fc.subarray([...PLATFORMS], { minLength: 1 });

const plainCaseArb = fc
  .record({ slots: fc.array(slotArb(true), { minLength: 1, maxLength: 4 }), platforms: platformsArb, target: fc.option(fc.nat(), { nil: null }) })
  .map(({ slots, platforms, target }) => new Case(render(slots, null), platforms, targetOf(slots, target)));

const taggedCaseArb = fc
  .record({
    slots: fc.array(slotArb(false), { minLength: 1, maxLength: 4 }),
    platforms: platformsArb,
    group: fc.constantFrom(...TAG_GROUPS),
    block: archListArb,
    slot: fc.nat(),
  })
  .map(({ slots, platforms, group, block, slot }) => new Case(render(slots, { slot: slot % slots.length, block, group }), platforms, null));

/** A stage every platform has, for --target (or none). */
function targetOf(slots: readonly Slot[], pick: number | null): string | null {
  const names = slots.flatMap((slot, index) => (slot.named && (slot.kind === "plain" || index === 0 || slot.other !== null) ? [`s${index}`] : []));
  return pick === null || names.length === 0 ? null : (names[pick % names.length] as string);
}

const RUNS = { numRuns: Number(process.env["LOWER_RUNS"] ?? 80) };

describe("generated IFARCH files", () => {
  it("the generator covers what it should", () => {
    const samples = [...fc.sample(plainCaseArb, { numRuns: 200, seed: 7 }), ...fc.sample(taggedCaseArb, { numRuns: 200, seed: 7 })].map((sample) => sample.text);
    for (const needle of ["IFARCH !", "TAGARCH", "COPY --from=0", "COPY --from=s", "RUN --mount=from=s", "ARG TARGETARCH", "--platform=$BUILDPLATFORM", "FROM s"]) {
      expect(samples.some((text) => text.includes(needle)), needle).toBe(true);
    }
    // Nesting, and one stage name defined in two complementary blocks.
    expect(samples.some((text) => /IFARCH[^\n]*\n(?:[^\n]*\n)*?IFARCH[^\n]*\n(?:(?!ENDIFARCH)[^\n]*\n)*ENDIFARCH\nENDIFARCH/.test(text))).toBe(true);
    expect(samples.some((text) => /ENDIFARCH\nIFARCH ![^\n]*\nFROM [^\n]* AS s\d/.test(text))).toBe(true);
    // And the lowerings exercise every part of the layout.
    const lowered = [...fc.sample(plainCaseArb, { numRuns: 150, seed: 11 }), ...fc.sample(taggedCaseArb, { numRuns: 150, seed: 11 })].map((sample) =>
      lowerDockerfile(parseDockerfile(sample.text), sample.platforms.map((spec) => P(spec))),
    );
    const shapes = {
      copies: /^FROM .* AS s\d-(?:amd64|arm64|armv7|armv6|386)$/m,
      pinned: /^FROM --platform=linux\/[^ ]+ /m,
      members: /^# TAGARCH members/m,
      shared: /^# The same for every platform/m,
      names: /^FROM s\d-\$\{TARGETARCH\}\$\{TARGETVARIANT\} AS s\d$/m,
      freshDefault: /^FROM default-\$\{TARGETARCH\}\$\{TARGETVARIANT\}/m,
      renamedCopy: /^COPY --from=(?:s\d|stage-0)-/m,
      renamedMount: /^RUN --mount=from=s\d-/m,
      plain: /^(?![\s\S]*TARGETVARIANT)/,
    };
    for (const [shape, pattern] of Object.entries(shapes)) expect(lowered.some((text) => pattern.test(text)), shape).toBe(true);
  });

  it("without TAGARCH: every platform keeps exactly its work, with and without --target", () => {
    fc.assert(
      fc.property(plainCaseArb, ({ text, platforms, target }) => {
        expectSameWork(text, { platforms, target: target ?? undefined });
      }),
      RUNS,
    );
  });

  it("with a TAGARCH group: every platform keeps exactly its work", () => {
    fc.assert(
      fc.property(taggedCaseArb, ({ text, platforms }) => {
        expectSameWork(text, { platforms });
      }),
      RUNS,
    );
  });
});

// ---- the command ------------------------------------------------------------

describe("dfc compile --format dockerfile", () => {
  it("prints the lowered file, the same as the library's", () => {
    const result = runCli(["compile", "--format", "dockerfile", "--platform", ROOTFS_PLATFORMS.join(","), ROOTFS]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(ROOTFS_GOLDEN);
  });

  it("reports what it cannot lower at file:line:col, exit 1, nothing on stdout", () => {
    const result = runCli(["compile", "--format", "dockerfile", "--platform", "linux/arm64,linux/arm/v7", "-"], {
      input: "FROM alpine\nCOPY --from=busybox:musl /bin/busybox /bin/\nIFARCH arm64\nTAGARCH arm64 arm7\nENDIFARCH\n",
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^<stdin>:2:6: error: .*busybox:musl/);
  });
});
