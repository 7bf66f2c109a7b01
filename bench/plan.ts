/**
 * The planner benchmark: a synthetic 200-stage, 2,000-instruction
 * Dockerfile (stages pinned to $BUILDPLATFORM and not, TARGETARCH in some
 * RUN steps and COPY paths, COPY --from chains, IFARCH blocks) planned for 1,
 * 2, 4 and 8 platforms: time, memory, growth. The peer is dfc itself done the
 * naive way: N separate single-platform plans, which is what building each
 * platform on its own costs the planner; the ratio shows what planning all
 * targets in one graph costs or saves.
 */
import { planBuild } from "../src/plan/plan.js";
import { parsePlatform, type Platform } from "../src/platform/index.js";
import { parseDockerfile } from "../src/syntax/index.js";
import { collector, compare, consume, fmt, measure, round, table, type BenchOptions, type Benchmark, type Json, type Reporter } from "./harness.js";
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

function heapAfter(run: () => unknown): number {
  const gc = collector();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept = run();
  gc?.();
  const after = process.memoryUsage().heapUsed;
  consume(kept);
  return Math.max(0, after - before);
}

export const planBenchmark: Benchmark = {
  name: "plan",
  title: "planner: 200 stages × 1/2/4/8 platforms",
  run(out: Reporter, options: BenchOptions): Json {
    const source = stagedDockerfile(200);
    const dockerfile = parseDockerfile(source);
    const instructions = source.split("\n").filter((line) => /^[A-Z]/.test(line)).length;
    const repeat = { warmup: options.quick ? 1 : 3, warmupMs: options.quick ? 50 : 400, minReps: options.quick ? 3 : 10, maxReps: options.quick ? 5 : 60, budgetMs: options.quick ? 300 : 2500 };
    const plan = (platforms: readonly Platform[]) => planBuild(dockerfile, { platforms, buildPlatform: BUILD });
    const rows: string[][] = [];
    const results: Json[] = [];
    let baseline = 0;
    for (const count of [1, 2, 4, 8]) {
      const platforms = PLATFORMS.slice(0, count);
      const stats = compare(
        [
          { name: "merged", run: () => consume(plan(platforms)) },
          { name: "separate", run: () => consume(platforms.map((platform) => plan([platform]))) },
        ],
        repeat,
      );
      const merged = stats.get("merged")?.medianMs ?? 0;
      const separate = stats.get("separate")?.medianMs ?? 0;
      if (count === 1) baseline = merged;
      const result = plan(platforms);
      const heap = heapAfter(() => plan(platforms));
      rows.push([String(count), fmt(merged), fmt(merged / baseline, 2), fmt(separate), `${fmt(separate / merged, 2)}x`, String(result.summary.vertices), String(result.summary.shared), fmt(heap / 2 ** 20, 1)]);
      results.push({ platforms: count, mergedMs: round(merged), separateMs: round(separate), growth: round(merged / baseline), vertices: result.summary.vertices, shared: result.summary.shared, heapMB: round(heap / 2 ** 20) });
    }
    out.line(`synthetic Dockerfile: 200 stages, ${instructions} instructions, ${(source.length / 1024).toFixed(0)} KiB`);
    out.line();
    for (const line of table(["platforms", "ms", "growth", "separate ms", "sep/merged", "vertices", "shared", "heap MB"], rows)) out.line(`   ${line}`);
    out.line();
    out.line("   ms: median time of one planBuild for all platforms (parse excluded);");
    out.line("   growth: ms relative to 1 platform (linear in platforms: 2, 4, 8);");
    out.line("   separate: N single-platform plans (the naive peer); heap: memory the plan keeps.");

    // Growth in stages at 8 platforms: the work is stages × platforms. Back to back, each plan also
    // pays for collecting the garbage of the one before, which grows with the plan; with a collection
    // before each plan, the time is what one `dfc plan` run pays.
    const stageRows: string[][] = [];
    const byStages: Json[] = [];
    let perStage = { steady: 0, collected: 0 };
    for (const stages of [50, 100, 200]) {
      const file = parseDockerfile(stagedDockerfile(stages));
      const run = { name: "plan", run: () => consume(planBuild(file, { platforms: PLATFORMS, buildPlatform: BUILD })) };
      const steady = measure(run, repeat).medianMs;
      const collected = measure(run, { ...repeat, collectEachRep: true }).medianMs;
      if (stages === 50) perStage = { steady: steady / 50, collected: collected / 50 };
      stageRows.push([String(stages), fmt(steady), fmt(steady / stages / perStage.steady, 2), fmt(collected), fmt(collected / stages / perStage.collected, 2)]);
      byStages.push({ stages, ms: round(steady), collectedMs: round(collected) });
    }
    out.line();
    for (const line of table(["stages (8 platforms)", "ms", "per stage vs 50", "ms, gc before each", "per stage vs 50"], stageRows)) out.line(`   ${line}`);
    return { stages: 200, instructions, results, byStages };
  },
};
