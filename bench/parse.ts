/**
 * The parser benchmark: dfc's `parseDockerfile` against the two npm parsers
 * people use, on the same inputs in the same process.
 *
 * 1. The real corpus (`corpus/real/**`), one parse per file, no concatenation:
 *    total bytes / total time.
 * 2. One synthetic 8 MB multi-stage Dockerfile.
 * 3. Growth: synthetic 1, 2, 4 and 8 MB files; time per size, time per MB,
 *    and whether time(8 MB) / time(1 MB) stays near 8.
 *
 * What each parser's call does differs, and the figures should be read with
 * that in mind: dfc builds its whole typed tree (flags, words, heredoc bodies,
 * source ranges, IFARCH blocks); dockerfile-ast splits the file into
 * instructions and comments and computes arguments and flags lazily when they
 * are asked for (the "+args" row asks for them); docker-file-parser returns
 * flat `{name, args}` records. IFARCH/TAGARCH/ENDIFARCH are unknown
 * instructions to both peers, which they accept as such.
 */
import dockerFileParser from "docker-file-parser";
import { DockerfileParser, type Instruction as AstInstruction } from "dockerfile-ast";
import { parseDockerfile } from "../src/syntax/index.js";
import {
  compare,
  consume,
  corpusFiles,
  fmt,
  growthExponent,
  heapAfter,
  mbPerSecond,
  round,
  table,
  utf8Bytes,
  type BenchOptions,
  type Benchmark,
  type CorpusFile,
  type Json,
  type MeasureOptions,
  type Reporter,
  type Stats,
} from "./harness.js";
import { syntheticDockerfile } from "./synthetic.js";

interface Parser {
  readonly name: string;
  /** Whether it is a peer (rows in the ratio table) or dfc itself. */
  readonly peer: boolean;
  /** Only in the corpus section (on the large inputs it would add a minute to the run). */
  readonly corpusOnly?: boolean;
  parse(source: string): unknown;
}

const DFC = "dfc";
const AST = "dockerfile-ast";
const DFP = "docker-file-parser";

/** dockerfile-ast with the lazily computed parts forced, for a like-for-like reading. */
function astDeep(source: string): unknown {
  const dockerfile = DockerfileParser.parse(source);
  let count = 0;
  for (const instruction of dockerfile.getInstructions() as AstInstruction[]) {
    count += instruction.getArguments().length;
    const withFlags = instruction as AstInstruction & { getFlags?: () => unknown[] };
    if (typeof withFlags.getFlags === "function") count += withFlags.getFlags().length;
  }
  consume(count);
  return dockerfile;
}

const PARSERS: readonly Parser[] = [
  { name: DFC, peer: false, parse: (source) => parseDockerfile(source) },
  { name: AST, peer: true, parse: (source) => DockerfileParser.parse(source) },
  { name: `${AST}+args`, peer: true, corpusOnly: true, parse: astDeep },
  { name: DFP, peer: true, parse: (source) => dockerFileParser.parse(source, { includeComments: false }) },
];

/** The parsers timed on the synthetic inputs; dfc first. */
const LARGE_PARSERS = PARSERS.filter((parser) => parser.corpusOnly !== true);

const GROWTH_MB = [1, 2, 4, 8] as const;
const SYNTHETIC_MB = 8;
const MB = 1_000_000;

function accepts(parser: Parser, text: string): string | null {
  try {
    consume(parser.parse(text));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function plan(options: BenchOptions, kind: "corpus" | "large"): MeasureOptions {
  if (options.quick) return { warmup: 1, minReps: 2, maxReps: 3, budgetMs: 300 };
  return kind === "corpus"
    ? { warmup: 3, warmupMs: 200, minReps: 10, maxReps: 25, budgetMs: 1_200 }
    : // dockerfile-ast takes ~5 s on the 8 MB file: it gets the minimum of runs.
      { warmup: 1, warmupMs: 400, minReps: 3, maxReps: 9, budgetMs: 2_500 };
}

interface Throughput {
  readonly parser: string;
  readonly stats: Stats;
  readonly mbPerS: number;
}

function throughputs(parsers: readonly Parser[], stats: Map<string, Stats>, bytes: number): Throughput[] {
  return parsers.map((parser) => {
    const result = stats.get(parser.name) as Stats;
    return { parser: parser.name, stats: result, mbPerS: mbPerSecond(bytes, result.medianMs) };
  });
}

function throughputTable(rows: readonly Throughput[]): string[] {
  return table(
    ["parser", "median ms", "min ms", "MB/s", "runs"],
    rows.map((row) => [row.parser, fmt(row.stats.medianMs), fmt(row.stats.minMs), fmt(row.mbPerS), String(row.stats.samples.length)]),
  );
}

function throughputJson(rows: readonly Throughput[]): Json {
  return Object.fromEntries(
    rows.map((row) => [row.parser, { medianMs: round(row.stats.medianMs), minMs: round(row.stats.minMs), mbPerS: round(row.mbPerS, 2), runs: row.stats.samples.length }]),
  );
}

function mbps(rows: readonly Throughput[], parser: string): number {
  return rows.find((row) => row.parser === parser)?.mbPerS ?? Number.NaN;
}

function lineCount(text: string): number {
  let count = 0;
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) count++;
  return count;
}

function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${fmt(ratio)}x` : "-";
}

/** Growth verdict from time(8 MB) / time(1 MB), ideally 8. */
function linearity(ratio: number, factor: number): string {
  const relative = ratio / factor;
  if (relative > 1.25) return "superlinear";
  if (relative < 0.8) return "sublinear";
  return "linear";
}

function run(out: Reporter, options: BenchOptions): Json {
  // ---- inputs and a correctness check before anything is timed
  const corpus = corpusFiles();
  const failures = new Map<string, { file: string; message: string }[]>(PARSERS.map((parser) => [parser.name, []]));
  for (const file of corpus) {
    for (const parser of PARSERS) {
      const message = accepts(parser, file.text);
      if (message !== null) failures.get(parser.name)?.push({ file: file.name, message });
    }
  }
  const common = corpus.filter((file) => PARSERS.every((parser) => !failures.get(parser.name)?.some((failure) => failure.file === file.name)));
  const corpusBytes = common.reduce((sum, file) => sum + file.bytes, 0);

  const synthetic = new Map<number, CorpusFile>();
  for (const mb of GROWTH_MB) {
    const text = syntheticDockerfile(mb * MB);
    const input: CorpusFile = { name: `synthetic ${mb} MB`, text, bytes: utf8Bytes(text) };
    // dfc must accept every synthetic input; the peers are checked on the
    // smallest (on the others, their warm-up run would throw).
    const checked = mb === GROWTH_MB[0] ? LARGE_PARSERS : LARGE_PARSERS.slice(0, 1);
    for (const parser of checked) {
      const message = accepts(parser, text);
      if (message !== null) throw new Error(`bench: ${parser.name} rejects the ${input.name} input: ${message}`);
    }
    synthetic.set(mb, input);
  }
  const large = synthetic.get(SYNTHETIC_MB) as CorpusFile;

  out.line(`corpus: ${common.length} files, ${fmt(corpusBytes / MB)} MB (UTF-8), each parsed on its own`);
  for (const parser of PARSERS) {
    const failed = failures.get(parser.name) ?? [];
    if (failed.length === 0) continue;
    out.line(`  ${parser.name} threw on ${failed.length} file(s), left out for every parser:`);
    for (const failure of failed.slice(0, 5)) out.line(`    ${failure.file}: ${failure.message.split("\n")[0]?.slice(0, 60)}`);
  }

  // ---- 1. corpus
  const corpusStats = compare(
    PARSERS.map((parser) => ({
      name: parser.name,
      run: () => {
        for (const file of common) consume(parser.parse(file.text));
      },
    })),
    plan(options, "corpus"),
  );
  const corpusRows = throughputs(PARSERS, corpusStats, corpusBytes);
  out.line();
  out.line(`1. real corpus (${common.length} files, ${fmt(corpusBytes / MB)} MB)`);
  for (const line of throughputTable(corpusRows)) out.line(`   ${line}`);

  // ---- 2. synthetic 8 MB
  const largeStats = compare(
    LARGE_PARSERS.map((parser) => ({ name: parser.name, run: () => consume(parser.parse(large.text)) })),
    plan(options, "large"),
  );
  const largeRows = throughputs(LARGE_PARSERS, largeStats, large.bytes);
  out.line();
  out.line(`2. synthetic ${SYNTHETIC_MB} MB file (${lineCount(large.text)} lines)`);
  for (const line of throughputTable(largeRows)) out.line(`   ${line}`);
  // What the tree keeps alive is what the collector works through while it is built.
  const retained = new Map(LARGE_PARSERS.map((parser) => [parser.name, heapAfter(() => parser.parse(large.text))]));
  out.line(`   retained heap of the parsed ${SYNTHETIC_MB} MB file: ${LARGE_PARSERS.map((parser) => `${parser.name} ${fmt((retained.get(parser.name) ?? 0) / 1e6)} MB`).join(", ")}`);

  // ---- 3. growth (the 8 MB point is the measurement above)
  const growthParsers = LARGE_PARSERS;
  const growth = new Map<string, Map<number, Stats>>(growthParsers.map((parser) => [parser.name, new Map()]));
  for (const mb of GROWTH_MB) {
    if (mb === SYNTHETIC_MB) {
      for (const parser of growthParsers) growth.get(parser.name)?.set(mb, largeStats.get(parser.name) as Stats);
      continue;
    }
    const input = synthetic.get(mb) as CorpusFile;
    const stats = compare(
      growthParsers.map((parser) => ({ name: parser.name, run: () => consume(parser.parse(input.text)) })),
      plan(options, "large"),
    );
    for (const parser of growthParsers) growth.get(parser.name)?.set(mb, stats.get(parser.name) as Stats);
  }
  out.line();
  out.line("3. growth on synthetic inputs: median ms, and ms per MB");
  const growthRows = growthParsers.map((parser) => {
    const sizes = growth.get(parser.name) as Map<number, Stats>;
    const first = sizes.get(GROWTH_MB[0]) as Stats;
    const last = sizes.get(GROWTH_MB[GROWTH_MB.length - 1] as number) as Stats;
    const ratio = last.medianMs / first.medianMs;
    return { parser: parser.name, sizes, ratio, exponent: growthExponent([...sizes].map(([mb, stats]) => [mb, stats.medianMs])) };
  });
  const sizeHeaders = GROWTH_MB.map((mb) => `${mb} MB`);
  const perSize = (row: (typeof growthRows)[number], value: (stats: Stats, mb: number) => number): string[] =>
    GROWTH_MB.map((mb) => fmt(value(row.sizes.get(mb) as Stats, mb)));
  for (const line of table(
    ["ms", ...sizeHeaders, "8/1", "k"],
    growthRows.map((row) => [row.parser, ...perSize(row, (stats) => stats.medianMs), fmt(row.ratio), row.exponent.toFixed(2)]),
  )) {
    out.line(`   ${line}`);
  }
  out.line();
  for (const line of table(
    ["ms per MB", ...sizeHeaders],
    growthRows.map((row) => [row.parser, ...perSize(row, (stats, mb) => stats.medianMs / mb)]),
  )) {
    out.line(`   ${line}`);
  }
  const factor = (GROWTH_MB[GROWTH_MB.length - 1] as number) / GROWTH_MB[0];
  out.line();
  out.line(`   Linear growth: time(8 MB)/time(1 MB) within 25% of ${factor}.`);
  out.line("   k: least-squares exponent of time ~ size^k over the 4 sizes (1: linear).");
  for (const row of growthRows) {
    out.line(`   ${row.parser}: ${fmt(row.ratio)} vs ${factor}, ${linearity(row.ratio, factor)} (k = ${row.exponent.toFixed(2)})`);
  }

  // ---- ratios
  out.line();
  out.line("dfc throughput / peer throughput (>1: dfc is faster)");
  const peers = PARSERS.filter((parser) => parser.peer);
  const ratios = peers.map((peer) => ({
    peer: peer.name,
    corpus: mbps(corpusRows, DFC) / mbps(corpusRows, peer.name),
    large: mbps(largeRows, DFC) / mbps(largeRows, peer.name),
  }));
  for (const line of table(
    ["", "corpus", `${SYNTHETIC_MB} MB`],
    ratios.map((ratio) => [`dfc / ${ratio.peer}`, times(ratio.corpus), times(ratio.large)]),
  )) {
    out.line(`   ${line}`);
  }
  out.line();
  out.line(`   dockerfile-ast computes arguments and flags lazily; "${AST}+args"`);
  out.line("   forces them (corpus only). dfc's figures include its whole typed tree.");

  return {
    corpus: {
      files: common.length,
      bytes: corpusBytes,
      failures: Object.fromEntries([...failures].map(([name, list]) => [name, list.length])),
      results: throughputJson(corpusRows),
    },
    synthetic: { bytes: large.bytes, results: throughputJson(largeRows), retainedMB: Object.fromEntries([...retained].map(([name, bytes]) => [name, round(bytes / 1e6)])) },
    growth: Object.fromEntries(
      growthRows.map((row) => [
        row.parser,
        {
          medianMs: Object.fromEntries(GROWTH_MB.map((mb) => [`${mb}MB`, round((row.sizes.get(mb) as Stats).medianMs)])),
          msPerMB: Object.fromEntries(GROWTH_MB.map((mb) => [`${mb}MB`, round((row.sizes.get(mb) as Stats).medianMs / mb)])),
          ratio8to1: round(row.ratio, 2),
          exponent: round(row.exponent, 2),
          verdict: linearity(row.ratio, factor),
        },
      ]),
    ),
    ratios: Object.fromEntries(ratios.map((ratio) => [
        `dfc/${ratio.peer}`,
        { corpus: round(ratio.corpus, 2), synthetic8MB: Number.isFinite(ratio.large) ? round(ratio.large, 2) : null },
      ])),
  };
}

export const parseBenchmark: Benchmark = {
  name: "parse",
  title: "parser throughput: dfc vs dockerfile-ast vs docker-file-parser",
  run,
};
