/**
 * Properties of the planner over generated multi-stage Dockerfiles that mix
 * the constructs multi-platform sharing depends on: FROM with and without
 * --platform=$BUILDPLATFORM, FROM <earlier stage>, ARG TARGETARCH (and other
 * platform ARGs) declared or not, RUN and COPY paths that use $TARGETARCH or
 * not, COPY --from, RUN --mount=from=, IFARCH blocks (around instructions
 * and around whole stages), for random subsets and orders of six platforms.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderDot } from "../../src/emit/dot.js";
import { renderMermaid } from "../../src/emit/mermaid.js";
import { renderPlanText } from "../../src/emit/plan-text.js";
import { planToJson } from "../../src/plan/json.js";
import { planBuild, type Plan } from "../../src/plan/plan.js";
import { parsePlatform } from "../../src/platform/index.js";
import type { Dockerfile } from "../../src/syntax/ast.js";
import { parseDockerfile } from "../../src/syntax/index.js";
import { BUILD_PLATFORM, compileAlone } from "./helpers.js";

const PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le"] as const;
const ARCH_NAMES = ["amd64", "x86_64", "arm64", "aarch64", "arm", "armv7", "armv6", "rpi", "386", "i686", "ppc64le"] as const;
const BUILD = parsePlatform(BUILD_PLATFORM);

// ---- generated Dockerfiles -------------------------------------------------

type Simple =
  | { readonly kind: "arg"; readonly name: "TARGETARCH" | "TARGETPLATFORM" | "TARGETVARIANT" | "BUILDPLATFORM" | "TARGETOS" }
  | { readonly kind: "run"; readonly n: number; readonly arch: boolean }
  | { readonly kind: "copy"; readonly n: number; readonly arch: boolean }
  | { readonly kind: "env"; readonly arch: boolean }
  | { readonly kind: "workdir"; readonly n: number };

type Instr =
  | Simple
  | { readonly kind: "copyFrom"; readonly back: number }
  | { readonly kind: "mountFrom"; readonly back: number; readonly arch: boolean }
  | { readonly kind: "ifarch"; readonly archs: readonly string[]; readonly body: readonly Simple[] };

interface StageSpec {
  readonly pinned: boolean;
  /** null: an image; otherwise how many stages back the base stage is. */
  readonly baseBack: number | null;
  readonly image: string;
  readonly body: readonly Instr[];
  /** IFARCH around the whole stage (never the first one). */
  readonly only: readonly string[] | null;
}

const archListArb = fc
  .uniqueArray(fc.record({ name: fc.constantFrom(...ARCH_NAMES), negated: fc.boolean() }), { minLength: 1, maxLength: 3, selector: (arch) => arch.name })
  .map((archs) => archs.map((arch) => (arch.negated ? `!${arch.name}` : arch.name)));

const simpleArb: fc.Arbitrary<Simple> = fc.oneof(
  fc.record({ kind: fc.constant("arg" as const), name: fc.constantFrom("TARGETARCH" as const, "TARGETPLATFORM" as const, "TARGETVARIANT" as const, "BUILDPLATFORM" as const, "TARGETOS" as const) }),
  fc.record({ kind: fc.constant("run" as const), n: fc.integer({ min: 0, max: 3 }), arch: fc.boolean() }),
  fc.record({ kind: fc.constant("copy" as const), n: fc.integer({ min: 0, max: 3 }), arch: fc.boolean() }),
  fc.record({ kind: fc.constant("env" as const), arch: fc.boolean() }),
  fc.record({ kind: fc.constant("workdir" as const), n: fc.integer({ min: 0, max: 2 }) }),
);

const instrArb: fc.Arbitrary<Instr> = fc.oneof(
  { weight: 6, arbitrary: simpleArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("copyFrom" as const), back: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("mountFrom" as const), back: fc.integer({ min: 1, max: 3 }), arch: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("ifarch" as const), archs: archListArb, body: fc.array(simpleArb, { minLength: 1, maxLength: 2 }) }) },
);

const stageArb: fc.Arbitrary<StageSpec> = fc.record({
  pinned: fc.boolean(),
  baseBack: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null, freq: 3 }),
  image: fc.constantFrom("alpine:3.20", "debian:bookworm-slim", "golang:${GO_VERSION}", "scratch"),
  body: fc.array(instrArb, { maxLength: 5 }),
  only: fc.option(archListArb, { nil: null, freq: 4 }),
});

function renderSimple(instr: Simple): string {
  switch (instr.kind) {
    case "arg":
      return `ARG ${instr.name}`;
    case "run":
      return `RUN echo step${instr.n}${instr.arch ? " $TARGETARCH" : ""}`;
    case "copy":
      return instr.arch ? `COPY bin/$TARGETARCH/file${instr.n} /opt/file${instr.n}` : `COPY src/file${instr.n} /opt/file${instr.n}`;
    case "env":
      return instr.arch ? "ENV ARCH=${TARGETARCH}" : "ENV MODE=release";
    case "workdir":
      return `WORKDIR /work${instr.n}`;
  }
}

function renderDockerfile(stages: readonly StageSpec[]): string {
  const lines = ["ARG GO_VERSION=1.22"];
  stages.forEach((stage, index) => {
    const earlier = (back: number): string => `s${Math.max(0, index - back)}`;
    const base = stage.baseBack !== null && index > 0 ? earlier(stage.baseBack) : stage.image;
    const only = index > 0 ? stage.only : null;
    if (only !== null) lines.push(`IFARCH ${only.join(" ")}`);
    lines.push(`FROM ${stage.pinned ? "--platform=$BUILDPLATFORM " : ""}${base} AS s${index}`);
    for (const instr of stage.body) {
      if (instr.kind === "copyFrom") {
        if (index > 0) lines.push(`COPY --from=${earlier(instr.back)} /opt /from-${earlier(instr.back)}`);
      } else if (instr.kind === "mountFrom") {
        if (index > 0) lines.push(`RUN --mount=from=${earlier(instr.back)},target=/mnt ls /mnt${instr.arch ? " $TARGETARCH" : ""}`);
      } else if (instr.kind === "ifarch") {
        lines.push(`IFARCH ${instr.archs.join(" ")}`, ...instr.body.map(renderSimple), "ENDIFARCH");
      } else {
        lines.push(renderSimple(instr));
      }
    }
    if (only !== null) lines.push("ENDIFARCH");
  });
  return `${lines.join("\n")}\n`;
}

const dockerfileArb = fc.array(stageArb, { minLength: 1, maxLength: 4 }).map(renderDockerfile);
const platformsArb = fc.subarray([...PLATFORMS], { minLength: 1 }).chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));
const workersArb = fc.option(fc.subarray([...PLATFORMS], { minLength: 1, maxLength: 2 }), { nil: undefined });

/** A generated case; the parsed Dockerfile is a getter so that counterexamples print as text. */
class Case {
  constructor(
    readonly text: string,
    readonly platforms: readonly string[],
    readonly workers: readonly string[] | undefined,
  ) {}
  get dockerfile(): Dockerfile {
    return parseDockerfile(this.text);
  }
  toString(): string {
    return `${JSON.stringify(this.text)} for ${this.platforms.join(",")}${this.workers === undefined ? "" : ` on workers ${this.workers.join(",")}`}`;
  }
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({ text: dockerfileArb, platforms: platformsArb, workers: workersArb })
  .map(({ text, platforms, workers }) => new Case(text, platforms, workers));

const plan = (dockerfile: Dockerfile, platforms: readonly string[], workers?: readonly string[]): Plan =>
  planBuild(dockerfile, {
    platforms: platforms.map((spec) => parsePlatform(spec)),
    buildPlatform: BUILD,
    workers: workers?.map((spec) => parsePlatform(spec)),
  });

const archOf = (spec: string): string => parsePlatform(spec).architecture;
const RUNS = { numRuns: 150 };

// ---- properties -------------------------------------------------------------

describe("planner properties", () => {
  it("the generator covers what it should", () => {
    const samples = fc.sample(dockerfileArb, { numRuns: 300, seed: 42 });
    for (const needle of ["--platform=$BUILDPLATFORM", "ARG TARGETARCH", "$TARGETARCH", "bin/$TARGETARCH/", "COPY --from=", "RUN --mount=from=", "IFARCH", "FROM s"]) {
      expect(samples.some((text) => text.includes(needle)), needle).toBe(true);
    }
    // Every generated file plans for every platform.
    for (const text of samples.slice(0, 60)) plan(parseDockerfile(text), PLATFORMS);
  });

  it("N targets never give more vertices than N separate plans, nor fewer than the largest", () => {
    fc.assert(
      fc.property(caseArb, ({ dockerfile, platforms, workers }) => {
        const together = plan(dockerfile, platforms, workers);
        const alone = platforms.map((spec) => plan(dockerfile, [spec], workers).vertices.length);
        expect(together.vertices.length).toBeLessThanOrEqual(alone.reduce((sum, count) => sum + count, 0));
        expect(together.vertices.length).toBeGreaterThanOrEqual(Math.max(...alone));
        expect(together.summary.vertices).toBe(together.vertices.length);
      }),
      RUNS,
    );
  });

  it("a vertex listed for targets T1..Tk is in each Ti's separately compiled graph, with the same digest, and in no other", () => {
    fc.assert(
      fc.property(caseArb, ({ dockerfile, platforms, workers }) => {
        const together = plan(dockerfile, platforms, workers);
        for (const spec of new Set(platforms)) {
          const { closure } = compileAlone(dockerfile, parsePlatform(spec));
          const listed = together.vertices.filter((planned) => planned.targets.includes(spec)).map((planned) => planned.vertex.id);
          expect(new Set(listed)).toEqual(new Set(closure.keys()));
          for (const planned of together.vertices) {
            if (planned.targets.includes(spec)) expect(closure.get(planned.vertex.id)).toEqual(planned.vertex);
          }
        }
      }),
      RUNS,
    );
  });

  it("what depends on the target is never shared between targets it differs for", () => {
    fc.assert(
      fc.property(caseArb, ({ dockerfile, platforms, workers }) => {
        const together = plan(dockerfile, platforms, workers);
        const requested = [...new Set(platforms)];
        const archsDistinct = new Set(requested.map(archOf)).size === requested.length;
        for (const planned of together.vertices) {
          const { vertex, targets } = planned;
          expect(targets.length).toBeGreaterThan(0);
          if ((vertex.kind === "exec" || vertex.kind === "source") && vertex.platform !== null && vertex.platform !== BUILD_PLATFORM) {
            // Runs on (or is pulled for) a platform other than the build platform: only that target can use it.
            expect(targets).toEqual([vertex.platform]);
          }
          if (vertex.kind === "exec") {
            for (const entry of vertex.env) {
              const [name, value] = [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)];
              if ((name === "TARGETARCH" || name === "ARCH") && value !== "") {
                expect(targets.every((target) => archOf(target) === value), entry).toBe(true);
                if (archsDistinct) expect(targets, `${entry} shared`).toHaveLength(1);
              }
              if (name === "TARGETPLATFORM") expect(targets).toEqual([value]);
            }
          }
          if (vertex.kind === "file") {
            for (const action of vertex.actions) {
              const match = action.action === "copy" ? /^bin\/([^/]+)\//.exec(action.src) : null;
              if (match !== null) {
                expect(targets.every((target) => archOf(target) === match[1]), action.action === "copy" ? action.src : "").toBe(true);
                if (archsDistinct) expect(targets).toHaveLength(1);
              }
            }
          }
        }
      }),
      RUNS,
    );
  });

  it("inputs come before the vertices that use them; modes only on execs", () => {
    fc.assert(
      fc.property(caseArb, ({ dockerfile, platforms, workers }) => {
        const together = plan(dockerfile, platforms, workers);
        const seen = new Set<string>();
        for (const planned of together.vertices) {
          for (const input of planned.vertex.inputs) expect(seen.has(input)).toBe(true);
          seen.add(planned.vertex.id);
          expect(planned.mode === null).toBe(planned.vertex.kind !== "exec");
          if (planned.mode === "cross") expect(planned.vertex.kind === "exec" && planned.vertex.platform).toBe(BUILD_PLATFORM);
        }
        expect(together.summary.shared).toBe(together.vertices.filter((planned) => planned.targets.length > 1).length);
      }),
      RUNS,
    );
  });

  it("the plan does not depend on the order of the platforms, nor on duplicates", () => {
    const arb = caseArb.chain((sample) =>
      fc.tuple(
        fc.constant(sample),
        fc.shuffledSubarray([...sample.platforms], { minLength: sample.platforms.length, maxLength: sample.platforms.length }),
        fc.subarray([...sample.platforms]),
      ),
    );
    fc.assert(
      fc.property(arb, ([sample, shuffled, extra]) => {
        const { dockerfile, platforms, workers } = sample;
        const reference = planToJson(plan(dockerfile, platforms, workers));
        expect(planToJson(plan(dockerfile, [...platforms].reverse(), workers))).toEqual(reference);
        expect(planToJson(plan(dockerfile, shuffled, workers))).toEqual(reference);
        expect(planToJson(plan(dockerfile, [...extra, ...shuffled, ...extra], workers))).toEqual(reference);
      }),
      RUNS,
    );
  });

  it("cost without dedup is at least the cost, equals it for one target, and is the sum of single-target plans", () => {
    fc.assert(
      fc.property(caseArb, ({ dockerfile, platforms, workers }) => {
        const together = plan(dockerfile, platforms, workers);
        expect(together.summary.costWithoutDedup).toBeGreaterThanOrEqual(together.summary.cost);
        const singles = platforms.map((spec) => plan(dockerfile, [spec], workers).summary);
        for (const single of singles) expect(single.costWithoutDedup).toBe(single.cost);
        expect(together.summary.costWithoutDedup).toBeCloseTo(singles.reduce((sum, single) => sum + single.cost, 0), 6);
        expect(together.summary.criticalPath.cost).toBeLessThanOrEqual(together.summary.cost + 1e-9);
      }),
      RUNS,
    );
  });

  it("a TAGARCH group is one build, published for each requested member, whatever the order", () => {
    const ARM = new Set(["linux/arm64", "linux/arm/v7", "linux/arm/v6"]);
    const tagged = caseArb.map((sample) => new Case(`${sample.text}IFARCH arm7 arm8 rpi\nCOPY arm.txt /arm.txt\nTAGARCH arm7 arm8 rpi\nENDIFARCH\n`, sample.platforms, sample.workers));
    fc.assert(
      fc.property(tagged, ({ dockerfile, platforms, workers }) => {
        const together = plan(dockerfile, platforms, workers);
        const arm = [...new Set(platforms)].filter((spec) => ARM.has(spec)).sort();
        const groups = together.targets.filter((target) => target.publishedAs.some((spec) => ARM.has(spec)));
        if (arm.length === 0) {
          expect(groups).toEqual([]);
        } else {
          expect(groups.map((target) => [target.platform, [...target.publishedAs].sort()])).toEqual([["linux/arm/v6", arm]]);
        }
        for (const planned of together.vertices) {
          const members = planned.targets.filter((spec) => ARM.has(spec));
          expect(members.length === 0 || members.length === arm.length, `${planned.meta.name}: ${planned.targets.join(",")}`).toBe(true);
        }
        expect(planToJson(plan(dockerfile, [...platforms].reverse(), workers))).toEqual(planToJson(together));
      }),
      RUNS,
    );
  });

  it("every rendering of a generated plan succeeds", () => {
    fc.assert(
      fc.property(caseArb, ({ dockerfile, platforms, workers }) => {
        const together = plan(dockerfile, platforms, workers);
        expect(renderPlanText(together)).toMatch(/^Plan for \d+ targets?/);
        expect(renderDot(together)).toMatch(/^digraph dfc \{/);
        expect(renderMermaid(together)).toMatch(/^flowchart LR\n/);
        expect(JSON.parse(JSON.stringify(planToJson(together))).schemaVersion).toBe(1);
      }),
      { numRuns: 60 },
    );
  });
});

