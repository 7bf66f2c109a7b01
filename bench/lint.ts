/**
 * The linter benchmark: lint every corpus file in one process, files per
 * second, with dfc (all rules, for linux/amd64 and linux/arm64: each file is
 * compiled for both) and, in the same run, the two npm linters
 * people use: dockerfilelint and dockerfile-utils' validate. They check
 * different things (neither plans or knows platforms); the ratio is reported
 * anyway, as the brief asks.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import { validate } from "dockerfile-utils";
import { lintSource } from "../src/lint/lint.js";
import { parsePlatform } from "../src/platform/index.js";
import { compare, consume, corpusFiles, fmt, round, table, type BenchOptions, type Benchmark, type Json, type Reporter } from "./harness.js";

const require = createRequire(import.meta.url);
const dockerfilelint = require("dockerfilelint") as { run(configDirectory: string, content: string): unknown[] };

const PLATFORMS = [parsePlatform("linux/amd64"), parsePlatform("linux/arm64")];
const BUILD = parsePlatform("linux/amd64");

export const lintBenchmark: Benchmark = {
  name: "lint",
  title: "linter: the whole corpus in one process",
  run(out: Reporter, options: BenchOptions): Json {
    const files = corpusFiles();
    // dockerfilelint looks for a .dockerfilelintrc in the directory it is given: give it an empty one.
    const noConfig = mkdtempSync(join(tmpdir(), "dfc-bench-"));
    let findings = 0;
    // A peer that throws on a file is counted, not fatal (as in the parse benchmark).
    const crashes = new Map<string, Set<string>>();
    const attempt = (linter: string, file: string, run: () => unknown): void => {
      try {
        consume(run());
      } catch {
        crashes.set(linter, (crashes.get(linter) ?? new Set()).add(file));
      }
    };
    const dfc = (): void => {
      for (const file of files) {
        const result = lintSource(file.name, file.text, { platforms: PLATFORMS, buildPlatform: BUILD });
        findings += result.length;
        consume(result);
      }
    };
    // What `dfc lint FILE` does without --platform: lint for the build platform only.
    const onePlatform = (): void => {
      for (const file of files) consume(lintSource(file.name, file.text, { platforms: [BUILD], buildPlatform: BUILD }));
    };
    // The analysis every rule reads (parse, and compile for both platforms), without the rules.
    const analysisOnly = (): void => {
      for (const file of files) consume(lintSource(file.name, file.text, { platforms: PLATFORMS, buildPlatform: BUILD, rules: [] }));
    };
    // Every linter is warmed up for 3 s before it is timed: dfc runs far more code than its peers, and
    // V8 had not finished optimizing it after 0.5 s (the first timed corpus runs took 140-270 ms, the
    // later ones about 85). The figures are steady-state throughput, for all of them alike.
    const stats = compare(
      [
        { name: "dfc", run: dfc },
        { name: "dfc, one platform", run: onePlatform },
        { name: "dfc, no rules", run: analysisOnly },
        { name: "dockerfilelint", run: () => files.forEach((file) => attempt("dockerfilelint", file.name, () => dockerfilelint.run(noConfig, file.text))) },
        { name: "dockerfile-utils", run: () => files.forEach((file) => attempt("dockerfile-utils", file.name, () => validate(file.text))) },
      ],
      { warmup: options.quick ? 1 : 2, warmupMs: options.quick ? 50 : 3000, minReps: options.quick ? 2 : 5, maxReps: options.quick ? 3 : 30, budgetMs: options.quick ? 400 : 4000 },
    );
    const perSecond = (name: string): number => files.length / ((stats.get(name)?.medianMs ?? Number.NaN) / 1000);
    const rows = ["dfc", "dfc, one platform", "dfc, no rules", "dockerfilelint", "dockerfile-utils"].map((name) => [name, fmt(stats.get(name)?.medianMs ?? Number.NaN), fmt(perSecond(name))]);
    out.line(`${files.length} corpus files; dfc lints each for linux/amd64 and linux/arm64 (parse, compile, all rules)`);
    out.line();
    for (const line of table(["linter", "ms (corpus)", "files/s"], rows)) out.line(`   ${line}`);
    out.line();
    const ratios = {
      dockerfilelint: perSecond("dfc") / perSecond("dockerfilelint"),
      dockerfileUtils: perSecond("dfc") / perSecond("dockerfile-utils"),
    };
    out.line(`   dfc / dockerfilelint    ${fmt(ratios.dockerfilelint, 3)}x   (>1: dfc is faster)`);
    out.line(`   dfc, one platform / dockerfilelint  ${fmt(perSecond("dfc, one platform") / perSecond("dockerfilelint"), 3)}x   (\`dfc lint\` without --platform)`);
    out.line(`   dfc, no rules / dockerfilelint  ${fmt(perSecond("dfc, no rules") / perSecond("dockerfilelint"), 3)}x   (the analysis alone)`);
    out.line(`   dfc / dockerfile-utils  ${fmt(ratios.dockerfileUtils, 3)}x`);
    for (const [linter, names] of crashes) out.line(`   ${linter} threw on ${names.size} file(s): ${[...names].join(", ")}`);
    return {
      files: files.length,
      filesPerSecond: { dfc: round(perSecond("dfc")), dfcOnePlatform: round(perSecond("dfc, one platform")), dfcNoRules: round(perSecond("dfc, no rules")), dockerfilelint: round(perSecond("dockerfilelint")), dockerfileUtils: round(perSecond("dockerfile-utils")) },
      ratios: { dockerfilelint: round(ratios.dockerfilelint), dockerfileUtils: round(ratios.dockerfileUtils) },
      findingsCounted: findings > 0,
      peerCrashes: Object.fromEntries([...crashes].map(([linter, names]) => [linter, [...names]])),
    };
  },
};
