/**
 * Measurement helpers for dfc's benchmarks (`npm run bench`).
 *
 * Timings live only here and in the benchmark modules beside this file; unit
 * tests never time anything. The method is deliberately plain:
 *
 * - every case is warmed up first (JIT tiers, inline caches, lazily built
 *   lexers) and only then timed;
 * - timed repetitions use `process.hrtime.bigint()`, back to back, so each
 *   case pays for its own garbage collections (see {@link compare});
 * - the garbage collector runs between cases when it can be reached, so one
 *   case does not pay for the garbage of the one before;
 * - results are the median (the figure to quote) and the minimum (the best
 *   the machine managed) of the repetitions; throughput uses UTF-8 bytes and
 *   MB = 10^6 bytes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** A JSON value, for the `--json` summary. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface BenchOptions {
  /** Print a JSON summary instead of text (the runner prints it). */
  readonly json: boolean;
  /** Fewer, shorter repetitions: a smoke run, not figures to quote. */
  readonly quick: boolean;
}

/** Where a benchmark writes its text report; silent in `--json` mode. */
export interface Reporter {
  line(text?: string): void;
}

/** One benchmark module; register it in `run.ts`. */
export interface Benchmark {
  /** The name on the command line: `node dist/bench/run.js <name>`. */
  readonly name: string;
  readonly title: string;
  /** Runs, writes its text report, and returns its JSON summary. */
  run(out: Reporter, options: BenchOptions): Json | Promise<Json>;
}

// ---------------------------------------------------------------------------
// Garbage collection

type GcFunction = () => void;

let gcFunction: GcFunction | null | undefined;

/**
 * `global.gc` when node runs with `--expose-gc`; otherwise the flag is set at
 * run time and the function taken from a fresh context (V8 installs `gc` on
 * contexts created after the flag is set). `null` if neither works.
 */
export function collector(): GcFunction | null {
  if (gcFunction !== undefined) return gcFunction;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") {
    gcFunction = exposed as GcFunction;
    return gcFunction;
  }
  try {
    setFlagsFromString("--expose-gc");
    const fresh: unknown = runInNewContext("gc");
    gcFunction = typeof fresh === "function" ? (fresh as GcFunction) : null;
  } catch {
    gcFunction = null;
  }
  return gcFunction;
}

function collectGarbage(): void {
  collector()?.();
}

// ---------------------------------------------------------------------------
// Timing

/** Keeps results alive so that the work that made them cannot be optimised away. */
let sink = 0;

export function consume(value: unknown): void {
  if (value === undefined || value === null) sink++;
  else if (typeof value === "object") sink ^= 1;
}

/** Read by the runner at the end, so `sink` is observably used. */
export function sinkValue(): number {
  return sink;
}

export interface Stats {
  /** Every timed repetition, in milliseconds, in the order run. */
  readonly samples: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
}

export interface Case {
  readonly name: string;
  readonly run: () => void;
}

export interface MeasureOptions {
  /** Untimed runs of each case before timing starts: at least this many … */
  readonly warmup: number;
  /** … and more while they have taken less than this in all (a heap shrunk by the collection grows back). */
  readonly warmupMs?: number;
  /** At least this many timed repetitions of each case … */
  readonly minReps: number;
  /** … and at most this many, */
  readonly maxReps: number;
  /** … as many as fit in this time per case (estimated from the last warm-up run). */
  readonly budgetMs: number;
  /**
   * Collect garbage before every repetition, so that a repetition does not
   * pay for the garbage of the one before: what one run in a fresh process
   * (one CLI call) pays, rather than a long-running process.
   */
  readonly collectEachRep?: boolean;
}

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function statsOf(samples: readonly number[]): Stats {
  return { samples, medianMs: median(samples), minMs: Math.min(...samples) };
}

function timeOnce(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return elapsedMs(start);
}

/**
 * Measures each case in turn: a full garbage collection (so that the case
 * does not pay for the garbage of the one before), its warm-up runs, then its
 * timed repetitions back to back. The number of repetitions is fixed after
 * the warm-up from the last warm-up run: as many as fit in `budgetMs`, within
 * `minReps`…`maxReps`. So a slow case gets fewer runs than a fast one, and
 * each case's measurement stays near the budget.
 *
 * The collector runs between cases, not before every repetition: a forced
 * full collection shrinks the heap, and the next run then pays for growing it
 * again (on the 2-vCPU VM these benchmarks were written on, the first 1 MB
 * parse after `gc()` took 3× as long as the next). Timing back to back
 * instead charges each case its own collections, as a long-running process
 * would see them.
 */
export function compare(cases: readonly Case[], options: MeasureOptions): Map<string, Stats> {
  const results = new Map<string, Stats>();
  for (const item of cases) {
    collectGarbage();
    let last = 0;
    let warm = 0;
    for (let index = 0; index < Math.max(1, options.warmup) || warm < (options.warmupMs ?? 0); index++) {
      last = timeOnce(item.run);
      warm += last;
    }
    const fit = last > 0 ? Math.floor(options.budgetMs / last) : options.maxReps;
    const reps = Math.min(options.maxReps, Math.max(options.minReps, fit));
    const samples: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      if (options.collectEachRep === true) collectGarbage();
      samples.push(timeOnce(item.run));
    }
    results.set(item.name, statsOf(samples));
  }
  return results;
}

/**
 * Measures cases in rounds: all are warmed up, then each round times every
 * case once, starting with a different one each round. This is for growth
 * tables, where the cases are one workload at several sizes. Measured one
 * after the other (as `compare` does), the smallest size ran first on a
 * fresh, small heap, and each larger one on a heap grown by the runs before
 * it; the planner's growth then looked superlinear although the same sizes
 * measured in rounds grow linearly. In rounds every size sees the same heap
 * and the same machine, whatever the machine is doing meanwhile.
 */
export function interleave(cases: readonly Case[], options: MeasureOptions): Map<string, Stats> {
  collectGarbage();
  let round = 0;
  let warm = 0;
  for (let index = 0; index < Math.max(1, options.warmup) || warm < (options.warmupMs ?? 0); index++) {
    round = cases.reduce((sum, item) => sum + timeOnce(item.run), 0);
    warm += round;
  }
  // The budget is per case, as in `compare`: a round times every case once.
  const fit = round > 0 ? Math.floor((options.budgetMs * cases.length) / round) : options.maxReps;
  const rounds = Math.min(options.maxReps, Math.max(options.minReps, fit));
  const samples = cases.map((): number[] => []);
  for (let rep = 0; rep < rounds; rep++) {
    for (let turn = 0; turn < cases.length; turn++) {
      const index = (rep + turn) % cases.length;
      if (options.collectEachRep === true) collectGarbage();
      samples[index]?.push(timeOnce((cases[index] as Case).run));
    }
  }
  return new Map(cases.map((item, index) => [item.name, statsOf(samples[index] ?? [])]));
}

/** k in time ~ size^k, from (size, ms) points: the slope of log(time) against log(size), least squares. */
export function growthExponent(points: readonly (readonly [number, number])[]): number {
  const logs = points.map(([size, ms]) => [Math.log(size), Math.log(ms)] as const);
  const meanX = logs.reduce((sum, [x]) => sum + x, 0) / logs.length;
  const meanY = logs.reduce((sum, [, y]) => sum + y, 0) / logs.length;
  const covariance = logs.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = logs.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return covariance / variance;
}

/** Heap bytes that what `run` returns keeps alive (0 without --expose-gc, which the benchmarks need anyway). */
export function heapAfter(run: () => unknown): number {
  const gc = collector();
  if (gc === null) return 0;
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = run();
  gc();
  const after = process.memoryUsage().heapUsed;
  consume(kept);
  return Math.max(0, after - before);
}

/** Measures one case on its own. */
export function measure(item: Case, options: MeasureOptions): Stats {
  return compare([item], options).get(item.name) as Stats;
}

// ---------------------------------------------------------------------------
// Units and formatting

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** Throughput in MB/s (10^6 bytes per second). */
export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1e3);
}

/** A number with `digits` significant figures at most, without exponent notation. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value === 0) return "0";
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, Math.min(6, digits - 1 - magnitude));
  return value.toFixed(decimals);
}

/** Rounds for the JSON summary. */
export function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export type Align = "left" | "right";

/** A plain-text table; the first column is left-aligned and the rest right-aligned unless told. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        const side = align?.[column] ?? (column === 0 ? "left" : "right");
        return side === "left" ? cell.padEnd(width) : cell.padStart(width);
      })
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [render(headers), rule, ...rows.map(render)];
}

// ---------------------------------------------------------------------------
// Files

export interface CorpusFile {
  /** Path under corpus/real. */
  readonly name: string;
  readonly text: string;
  readonly bytes: number;
}

/** Every real-world Dockerfile of corpus/real, in path order. */
export function corpusFiles(): CorpusFile[] {
  const root = join(repoRoot(), "corpus", "real");
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== "SOURCES.tsv")
    .map((entry) => {
      const text = readFileSync(join(entry.parentPath, entry.name), "utf8");
      return { name: relative(root, join(entry.parentPath, entry.name)), text, bytes: utf8Bytes(text) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The package root: the nearest folder above this file with dfc's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const name: unknown = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name;
      if (name === "dfc") return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("bench: cannot find dfc's package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
