import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { graphDocument } from "../../emit/ir-json.js";
import type { LlbIndex, LlbTarget } from "../../emit/llb/definition.js";
import { planBuild } from "../../plan/plan.js";
import { parseDockerfile } from "../../syntax/parse.js";
import { oneOf, parseCommandLine } from "../args.js";
import { EXIT_OK, UsageError } from "../errors.js";
import { dockerfilePath, readInput, writeFileAtomic, writeOut } from "../io.js";
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, planSettings } from "../plan-options.js";
import { reportSourceError } from "../report.js";

export const help = `Usage: dfc compile [options] --format json|llb|dockerfile [FILE | -]

Compiles the Dockerfile for every target platform and writes the build graph
for other builders.

  --format json   dfc's graph: each vertex once (content, inputs, sha256
                  digest, display name, source location) and, per target,
                  the vertex that is its image's file system. Versioned
                  (schemaVersion), described by "dfc schema ir".
  --format llb    BuildKit LLB: per distinct build (a TAGARCH group is one)
                  the pb.Definition bytes that "buildctl build" reads on
                  standard input. One target: written to standard output or
                  FILE. Several: --output DIR gets <os>_<arch>[_<variant>].pb
                  for each and index.json naming them and the op digests
                  they share.
  --format dockerfile
                  A standard Dockerfile without IFARCH/TAGARCH that BuildKit
                  builds unchanged for the --platform list: per-platform
                  stages picked with FROM name-\${TARGETARCH}\${TARGETVARIANT}.
                  It plans to the same steps as the original; what cannot be
                  lowered faithfully is refused with its location.

Options:
${PLAN_OPTIONS_HELP}
  --format F          json (default), llb or dockerfile
  -o, --output PATH   write there (atomically) instead of standard output;
                      a directory for llb with several targets
  -h, --help          show this help

Exit status: 0 compiled, 1 the Dockerfile has an error (file:line:col on
stderr, nothing written), 2 usage error or unreadable file.
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { ...PLAN_OPTIONS, format: { type: "string" }, output: { type: "string", short: "o" } });
  if (values.help === true) {
    writeOut(help);
    return EXIT_OK;
  }
  const format = oneOf("format", values.format, ["json", "llb", "dockerfile"], "json");
  const settings = await planSettings(values);
  const input = readInput(dockerfilePath("compile", values.file, positionals));
  let write: () => void;
  try {
    const dockerfile = parseDockerfile(input.text);
    // Every format needs the file to compile for every platform: the plan is that check, and the graph.
    const plan = planBuild(dockerfile, settings);
    // The LLB encoder (protobuf) and the lowering are loaded only for the format that needs them.
    if (format === "llb") {
      const { llbIndex, llbTargets } = await import("../../emit/llb/definition.js");
      const targets = llbTargets(plan);
      write = () => writeLlb(targets, values.output, llbIndex(plan, targets));
    } else {
      const text =
        format === "dockerfile"
          ? (await import("../../emit/lower-dockerfile.js")).lowerDockerfile(dockerfile, settings.platforms)
          : `${JSON.stringify(graphDocument(plan), null, 2)}\n`;
      write = () => (values.output === undefined ? writeOut(text) : writeFileAtomic(values.output, text));
    }
  } catch (error) {
    return reportSourceError(error, input);
  }
  write();
  return EXIT_OK;
}

function writeLlb(targets: readonly LlbTarget[], output: string | undefined, index: LlbIndex): void {
  const [only] = targets;
  if (targets.length === 1 && only !== undefined) {
    if (output !== undefined) return writeFileAtomic(output, only.definition);
    if (process.stdout.isTTY === true) throw new UsageError("LLB is binary: redirect standard output, or use --output FILE");
    process.stdout.write(only.definition);
    return;
  }
  if (output === undefined) {
    throw new UsageError(`${targets.length} builds make ${targets.length} LLB definitions: give --output DIR to write one file each`);
  }
  try {
    mkdirSync(output, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot create ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  for (const target of targets) writeFileAtomic(join(output, target.file), target.definition);
  // The index last: a reader that finds it finds every file it names.
  writeFileAtomic(join(output, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
}
