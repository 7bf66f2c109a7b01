/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with
 * the most self time, optionally only inside the calls of one function.
 *
 *   node --expose-gc --cpu-prof --cpu-prof-dir=prof dist/bench/run.js parse
 *   node dist/bench/cpuprofile.js prof/<file>.cpuprofile [--root parseDockerfile] [--top 25] [--by file]
 *
 * With `--root NAME`, only samples whose stack passes through a function
 * called NAME count, and percentages are of those samples: "where does
 * parseDockerfile spend its time". Garbage collection is sampled as its own
 * root, outside every stack, so with `--root` it is reported separately
 * (as the share of all samples) rather than attributed. `--by file` sums
 * self time per source file (regular expressions count as one "file").
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { repoRoot } from "./harness.js";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function where(frame: CallFrame, root: string, byFile: boolean): string {
  const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
  if (frame.url === "") return byFile && name.startsWith("RegExp:") ? "(regular expressions)" : name;
  let file = frame.url.startsWith("file://") ? frame.url.slice("file://".length) : frame.url;
  if (file.startsWith(root)) file = relative(root, file);
  file = file.replace(/^.*node_modules\//, "node_modules/");
  if (byFile) return file.replace(/^node_modules\/chevrotain\/.*$/, "node_modules/chevrotain/**");
  return `${file}:${frame.lineNumber + 1} ${name}`;
}

function main(argv: readonly string[]): void {
  const file = argv.find((arg, index) => !arg.startsWith("--") && !(argv[index - 1] ?? "").startsWith("--"));
  const option = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  if (file === undefined) {
    process.stderr.write("usage: node dist/bench/cpuprofile.js <file.cpuprofile> [--root NAME] [--top N] [--by file]\n");
    process.exitCode = 2;
    return;
  }
  const rootName = option("--root");
  const top = Number(option("--top") ?? 25);
  const byFile = option("--by") === "file";
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Does the node's stack pass through the root function? (memoised per node)
  const inside = new Map<number, boolean>();
  const isInside = (id: number): boolean => {
    if (rootName === undefined) return true;
    const known = inside.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const result = node?.callFrame.functionName === rootName || (up !== undefined && isInside(up));
    inside.set(id, result);
    return result;
  };

  const root = repoRoot();
  const self = new Map<string, number>();
  let total = 0;
  let all = 0;
  let gc = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    all += delta;
    const node = byId.get(id);
    if (node === undefined) return;
    if (node.callFrame.functionName === "(garbage collector)") gc += delta;
    if (!isInside(id)) return;
    total += delta;
    const key = where(node.callFrame, root, byFile);
    self.set(key, (self.get(key) ?? 0) + delta);
  });

  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
  const scope = rootName === undefined ? "all samples" : `samples inside ${rootName}`;
  process.stdout.write(`${scope}: ${(total / 1000).toFixed(0)} ms of ${(all / 1000).toFixed(0)} ms profiled\n`);
  process.stdout.write(`garbage collector: ${(gc / 1000).toFixed(0)} ms (${((100 * gc) / all).toFixed(1)}% of all samples)\n`);
  process.stdout.write(`self %   self ms  ${byFile ? "file" : "function"}\n`);
  for (const [key, time] of rows) {
    process.stdout.write(`${((100 * time) / total).toFixed(1).padStart(6)}  ${(time / 1000).toFixed(1).padStart(8)}  ${key}\n`);
  }
}

main(process.argv.slice(2));
