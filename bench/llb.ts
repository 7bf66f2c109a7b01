/**
 * The LLB benchmark: compile time to BuildKit LLB (`dfc compile --format
 * llb`) for the corpus and for the planner's 200-stage synthetic file, for
 * 2 and 8 platforms. No JavaScript tool writes LLB, so the peer is dfc's own
 * other interchange format on the same plan: the versioned JSON graph
 * (`--format json`, serialized). The table splits the time into planning
 * and emitting, so the ratio says what the protobuf encoding costs.
 */
import { graphDocument } from "../src/emit/ir-json.js";
import { llbTargets } from "../src/emit/llb/definition.js";
import { planBuild, type Plan } from "../src/plan/plan.js";
import { parsePlatform } from "../src/platform/index.js";
import { parseDockerfile, SourceError, type Dockerfile } from "../src/syntax/index.js";
import { compare, consume, corpusFiles, fmt, round, table, type BenchOptions, type Benchmark, type Json, type Reporter } from "./harness.js";
import { stagedDockerfile } from "./plan.js";

const PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64"].map((spec) =>
  parsePlatform(spec),
);
const BUILD = parsePlatform("linux/amd64");

/** The corpus files that compile (a few need build args), parsed once. */
function compilableCorpus(): Dockerfile[] {
  const files: Dockerfile[] = [];
  for (const file of corpusFiles()) {
    try {
      const dockerfile = parseDockerfile(file.text);
      llbTargets(planBuild(dockerfile, { platforms: PLATFORMS.slice(0, 2), buildPlatform: BUILD }));
      files.push(dockerfile);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
    }
  }
  return files;
}

export const llbBenchmark: Benchmark = {
  name: "llb",
  title: "compile to BuildKit LLB: corpus and 200 stages, 2 and 8 platforms",
  run(out: Reporter, options: BenchOptions): Json {
    const measure = { warmup: options.quick ? 1 : 3, warmupMs: options.quick ? 50 : 400, minReps: options.quick ? 3 : 10, maxReps: options.quick ? 5 : 40, budgetMs: options.quick ? 300 : 2500 };
    const inputs = [
      { name: "corpus", files: compilableCorpus() },
      { name: "200 stages", files: [parseDockerfile(stagedDockerfile(200))] },
    ];
    const rows: string[][] = [];
    const results: Json[] = [];
    for (const input of inputs) {
      for (const count of [2, 8]) {
        const platforms = PLATFORMS.slice(0, count);
        const plans = (): Plan[] => input.files.map((dockerfile) => planBuild(dockerfile, { platforms, buildPlatform: BUILD }));
        const planned = plans();
        const stats = compare(
          [
            { name: "plan", run: () => consume(plans()) },
            { name: "llb", run: () => consume(planned.map((plan) => llbTargets(plan))) },
            { name: "json", run: () => consume(planned.map((plan) => JSON.stringify(graphDocument(plan)))) },
          ],
          measure,
        );
        const ms = (name: string): number => stats.get(name)?.medianMs ?? Number.NaN;
        const ops = planned.reduce((sum, plan) => sum + llbTargets(plan).reduce((inner, target) => inner + target.ops.length, 0), 0);
        rows.push([input.name, String(input.files.length), String(count), String(ops), fmt(ms("plan")), fmt(ms("llb")), fmt(ms("plan") + ms("llb")), fmt(ms("json")), `${fmt(ms("llb") / ms("json"), 2)}x`]);
        results.push({ input: input.name, files: input.files.length, platforms: count, ops, planMs: round(ms("plan")), llbMs: round(ms("llb")), jsonMs: round(ms("json")) });
      }
    }
    for (const line of table(["input", "files", "platforms", "LLB ops", "plan ms", "llb ms", "compile ms", "json ms", "llb/json"], rows)) out.line(`   ${line}`);
    out.line();
    out.line("   plan: parse excluded, all files; llb: encoding every build's pb.Definition from the plan;");
    out.line("   compile = plan + llb (what dfc compile --format llb spends); json: the IR document, serialized (the peer).");
    return results;
  },
};
