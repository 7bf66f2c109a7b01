/**
 * The planner benchmark: a synthetic 200-stage, 2,000-instruction
 * Dockerfile (stages pinned to $BUILDPLATFORM and not, TARGETARCH in some
 * RUN steps and COPY paths, COPY --from chains, IFARCH blocks) planned for 1,
 * 2, 4 and 8 platforms: time, memory, growth. The peer is dfc itself done the
 * naive way: N separate single-platform plans, which is what building each
 * platform on its own costs the planner; the ratio shows what planning all
 * targets in one graph costs or saves.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { planBuild } from "../src/plan/plan.js";
import { parsePlatform, type Platform } from "../src/platform/index.js";
import { parseDockerfile } from "../src/syntax/index.js";
import { consume, fmt, growthExponent, heapAfter, interleave, median, repoRoot, round, table, type BenchOptions, type Benchmark, type Json, type Reporter } from "./harness.js";
import { Prng } from "./synthetic.js";

const PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64"].map((spec) =>
  parsePlatform(spec),
);
const BUILD = parsePlatform("linux/amd64");

/** `stages` stages of ten instructions each; deterministic for a seed. */
export function stagedDockerfile(stages: number, seed = 0x9a11): string {
  const random = new Prng(seed);
  const lines = ["# syntax=docker/dockerfile:1", "ARG BASE=debian:bookworm-slim", "ARG GO_VERSION=1.22"];
  for (let index = 0; index < stages; index++) {
    const pinned = random.int(0, 3 - 1) === 0;
    const fromStage = index > 0 && random.int(0, 4 - 1) === 0;
    const base = fromStage ? `s${index - 1 - random.int(0, Math.min(index, 5) - 1)}` : pinned ? "golang:${GO_VERSION}" : "${BASE}";
    lines.push(`FROM ${pinned && !fromStage ? "--platform=$BUILDPLATFORM " : ""}${base} AS s${index}`);
    const usesTarget = random.int(0, 2 - 1) === 0;
    if (usesTarget) lines.push("ARG TARGETOS TARGETARCH");
    else lines.push(`ARG VERSION=${index}`);
    lines.push(`WORKDIR /src/s${index}`);
    lines.push(`ENV STAGE=s${index} PATH=/opt/s${index}/bin:$PATH`);
    lines.push(`COPY go.mod go.sum ./`);
    lines.push(`RUN --mount=type=cache,target=/root/.cache apt-get update && apt-get install -y --no-install-recommends ca-certificates curl`);
    lines.push(usesTarget ? `RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/s${index} ./cmd/s${index}` : `RUN make -j4 all STAGE=s${index}`);
    // Each stage takes the previous one's output, so every stage is reachable from the last.
    if (index > 0) lines.push(`COPY --from=s${index - 1} /out/ /opt/s${index}/bin/`);
    else lines.push("COPY . .");
    lines.push(random.int(0, 6 - 1) === 0 ? "IFARCH arm64 arm7\nRUN echo arm-only tuning\nENDIFARCH" : `LABEL stage=s${index}`);
    lines.push(`CMD ["/opt/s${index}/bin/app"]`);
  }
  return `${lines.join("\n")}\n`;
}

/** A typical corpus file (a Go image: a few stages, ARGs, a long RUN), planned by the CLI as a user would. */
const CLI_FILE = join("corpus", "real", "docker-library__golang", "1.27__trixie__Dockerfile");

/** Wall time of `dfc plan` for two platforms, Node's start-up included, against `node -e 0` (median of `runs`). */
function cliStartup(runs: number): { planMs: number; nodeMs: number } {
  const wall = (args: readonly string[]): number => {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: repoRoot(), stdio: "ignore" });
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${result.status}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const times = (args: readonly string[]): number => median(Array.from({ length: runs + 1 }, () => wall(args)).slice(1));
  return {
    planMs: times([join("dist", "cli", "main.js"), "plan", "--platform", "linux/amd64,linux/arm64", CLI_FILE]),
    nodeMs: times(["-e", "0"]),
  };
}

export const planBenchmark: Benchmark = {
  name: "plan",
  title: "planner: 200 stages × 1/2/4/8 platforms, and growth in stages × platforms",
  run(out: Reporter, options: BenchOptions): Json {
    const source = stagedDockerfile(200);
    const dockerfile = parseDockerfile(source);
    const instructions = source.split("\n").filter((line) => /^[A-Z]/.test(line)).length;
    const repeat = { warmup: options.quick ? 1 : 3, warmupMs: options.quick ? 50 : 400, minReps: options.quick ? 3 : 10, maxReps: options.quick ? 5 : 60, budgetMs: options.quick ? 300 : 2500 };
    const plan = (platforms: readonly Platform[]) => planBuild(dockerfile, { platforms, buildPlatform: BUILD });
    const rows: string[][] = [];
    const results: Json[] = [];
    // All sizes are measured in the same rounds (see `interleave`), the merged and the separate plans alike.
    const counts = [1, 2, 4, 8];
    const stats = interleave(
      counts.flatMap((count) => {
        const platforms = PLATFORMS.slice(0, count);
        return [
          { name: `merged ${count}`, run: () => consume(plan(platforms)) },
          { name: `separate ${count}`, run: () => consume(platforms.map((platform) => plan([platform]))) },
        ];
      }),
      repeat,
    );
    const baseline = stats.get("merged 1")?.medianMs ?? 0;
    for (const count of counts) {
      const platforms = PLATFORMS.slice(0, count);
      const merged = stats.get(`merged ${count}`)?.medianMs ?? 0;
      const separate = stats.get(`separate ${count}`)?.medianMs ?? 0;
      const result = plan(platforms);
      const heap = heapAfter(() => plan(platforms));
      rows.push([String(count), fmt(merged), fmt(merged / baseline, 2), fmt(separate), `${fmt(separate / merged, 2)}x`, String(result.summary.vertices), String(result.summary.shared), fmt(heap / 2 ** 20, 1)]);
      results.push({ platforms: count, mergedMs: round(merged), separateMs: round(separate), growth: round(merged / baseline), vertices: result.summary.vertices, shared: result.summary.shared, heapMB: round(heap / 2 ** 20) });
    }
    out.line(`synthetic Dockerfile: 200 stages, ${instructions} instructions, ${(source.length / 1024).toFixed(0)} KiB`);
    out.line();
    for (const line of table(["platforms", "ms", "growth", "separate ms", "sep/merged", "vertices", "shared", "heap MB"], rows)) out.line(`   ${line}`);
    out.line();
    out.line("   ms: median time of one planBuild for all platforms (parse excluded), all sizes");
    out.line("   measured in the same rounds, so that each sees the same heap and machine state;");
    out.line("   growth: ms relative to 1 platform (linear in platforms: 2, 4, 8);");
    out.line("   separate: N single-platform plans (the naive peer); heap: memory the plan keeps.");

    // Growth in stages × platforms: the unit of work is one stage compiled for one platform. The
    // 200-stage file for 1 to 8 platforms and files of 50 to 200 stages for eight, all in the same
    // rounds. (Every stage of these files builds on the one before, and dfc compiles chains of at most
    // 256 stages, so the stage count stops at 200.) Back to back, each plan also pays for collecting
    // the garbage of the one before it; with a collection before each plan, each pays for its own
    // (and for growing the heap again).
    const shapes = [
      { stages: 200, platforms: 1 },
      { stages: 200, platforms: 2 },
      { stages: 200, platforms: 4 },
      { stages: 50, platforms: 8 },
      { stages: 100, platforms: 8 },
      { stages: 200, platforms: 8 },
    ];
    const name = (shape: { stages: number; platforms: number }): string => `${shape.stages} × ${shape.platforms}`;
    const shapeCases = shapes.map((shape) => {
      const file = parseDockerfile(stagedDockerfile(shape.stages));
      const platforms = PLATFORMS.slice(0, shape.platforms);
      return { name: name(shape), run: () => consume(planBuild(file, { platforms, buildPlatform: BUILD })) };
    });
    const steady = interleave(shapeCases, repeat);
    const collected = interleave(shapeCases, { ...repeat, collectEachRep: true });
    type Shape = (typeof shapes)[number];
    const units = (shape: Shape): number => shape.stages * shape.platforms;
    const ms = (measured: Map<string, { medianMs: number }>, shape: Shape): number => measured.get(name(shape))?.medianMs ?? Number.NaN;
    const perUnit = (measured: Map<string, { medianMs: number }>, shape: Shape): number => ms(measured, shape) / units(shape);
    const first = shapes[0] as Shape;
    const unitRows = shapes.map((shape) => [
      name(shape),
      String(units(shape)),
      fmt(ms(steady, shape)),
      fmt(perUnit(steady, shape) / perUnit(steady, first), 2),
      fmt(ms(collected, shape)),
      fmt(perUnit(collected, shape) / perUnit(collected, first), 2),
    ]);
    const byStages: Json[] = shapes.map((shape) => ({
      stages: shape.stages,
      platforms: shape.platforms,
      ms: round(ms(steady, shape)),
      collectedMs: round(ms(collected, shape)),
    }));
    out.line();
    for (const line of table(["stages × platforms", "units", "ms", "per unit", "ms, gc before each", "per unit"], unitRows)) out.line(`   ${line}`);
    // One exponent over both sweeps (platforms at 200 stages, stages at 8 platforms): the claim is linearity in their product.
    const exponent = (measured: Map<string, { medianMs: number }>): number => growthExponent(shapes.map((shape) => [units(shape), ms(measured, shape)]));
    const k = { steady: exponent(steady), collected: exponent(collected) };
    out.line();
    out.line("   units: stages × platforms; per unit: ms per unit relative to the first row (1.0: linear).");
    out.line(`   k, least-squares exponent of time ~ units^k over the six rows (1: linear): ${k.steady.toFixed(2)} back to back, ${k.collected.toFixed(2)} with gc before each.`);
    const cli = cliStartup(options.quick ? 3 : 15);
    out.line();
    out.line(`   dfc plan --platform linux/amd64,linux/arm64 ${CLI_FILE}: ${fmt(cli.planMs)} ms wall (node -e 0: ${fmt(cli.nodeMs)} ms)`);
    return { stages: 200, instructions, results, byStages, cli: { planMs: round(cli.planMs), nodeMs: round(cli.nodeMs) }, exponent: { steady: round(k.steady, 2), collected: round(k.collected, 2) } };
  },
};
