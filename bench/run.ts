/**
 * dfc's benchmark runner: `npm run bench` (builds first), or
 *
 *   node dist/bench/run.js [name…] [--json] [--quick]
 *
 * Without names it runs every registered benchmark, in order. `--json` prints
 * one JSON summary on stdout instead of the text report; `--quick` runs fewer
 * repetitions (a smoke test; do not quote its figures).
 *
 * Several benchmarks run one after another, each in a process of its own: a
 * benchmark compares tools in one process, but should not inherit the heap
 * and the JIT's type feedback of the benchmarks before it (after the planner
 * benchmark, the linter's figures came out 5-25% lower and varied more).
 *
 * This is the only place timings live: unit tests never time anything.
 */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { collector, sinkValue, type Benchmark, type Json, type Reporter } from "./harness.js";
import { parseBenchmark } from "./parse.js";
import { execBenchmark } from "./exec.js";
import { lintBenchmark } from "./lint.js";
import { llbBenchmark } from "./llb.js";
import { planBenchmark } from "./plan.js";

/** Every benchmark, in the order `npm run bench` runs them. Adding one is one line here. */
const BENCHMARKS: readonly Benchmark[] = [
  parseBenchmark,
  planBenchmark,
  lintBenchmark,
  llbBenchmark,
  execBenchmark,
];

/** Set in the environment of a benchmark's own process (see above). */
const CHILD = "DFC_BENCH_CHILD";

function usage(): string {
  return [
    "usage: node dist/bench/run.js [name…] [--json] [--quick]",
    `benchmarks: ${BENCHMARKS.map((bench) => bench.name).join(", ")}`,
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const flags = new Set(argv.filter((arg) => arg.startsWith("-")));
  const names = argv.filter((arg) => !arg.startsWith("-"));
  for (const flag of flags) {
    if (flag === "--help" || flag === "-h") {
      process.stdout.write(usage() + "\n");
      return 0;
    }
    if (flag !== "--json" && flag !== "--quick") {
      process.stderr.write(`unknown option ${flag}\n${usage()}\n`);
      return 2;
    }
  }
  const unknown = names.filter((name) => !BENCHMARKS.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(", ")}\n${usage()}\n`);
    return 2;
  }
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((bench) => names.includes(bench.name));
  const options = { json: flags.has("--json"), quick: flags.has("--quick") };
  const out: Reporter = { line: (text = "") => (options.json ? undefined : void process.stdout.write(text + "\n")) };

  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const gc = collector() !== null;
  const environment = {
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    cpu,
    cpus: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    gcBetweenCases: gc,
    quick: options.quick,
  };
  const child = process.env[CHILD] === "1";
  if (!child) {
    out.line(`dfc benchmarks: node ${environment.node}, ${environment.platform}, ${environment.cpus} x ${cpu}`);
    out.line(`gc between cases: ${gc ? "yes" : "no"}; MB = 10^6 bytes; figures are medians${options.quick ? "; QUICK RUN" : ""}`);
  }

  const results: Record<string, Json> = {};
  if (selected.length > 1) {
    for (const bench of selected) {
      const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), bench.name, ...flags], {
        env: { ...process.env, [CHILD]: "1" },
        stdio: ["ignore", options.json ? "pipe" : "inherit", "inherit"],
        encoding: "utf8",
      });
      if (run.status !== 0) return run.status ?? 1;
      if (options.json) Object.assign(results, (JSON.parse(run.stdout) as { results: Record<string, Json> }).results);
    }
    if (options.json) process.stdout.write(JSON.stringify({ environment, results }, null, 2) + "\n");
    return 0;
  }
  for (const bench of selected) {
    out.line();
    out.line(`== ${bench.name}: ${bench.title}`);
    const started = process.hrtime.bigint();
    results[bench.name] = await bench.run(out, options);
    out.line(`(${bench.name} took ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)`);
  }
  if (options.json) process.stdout.write(JSON.stringify({ environment, results }, null, 2) + "\n");
  // The sink is read so that results consumed by the benchmarks stay observable.
  if (Number.isNaN(sinkValue())) process.stderr.write("\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
