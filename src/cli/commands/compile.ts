import { graphDocument } from "../../emit/ir-json.js";
import { planBuild } from "../../plan/plan.js";
import { parseDockerfile } from "../../syntax/parse.js";
import { oneOf, parseCommandLine } from "../args.js";
import { EXIT_OK, UsageError } from "../errors.js";
import { dockerfilePath, readInput, writeFileAtomic, writeOut } from "../io.js";
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, planSettings } from "../plan-options.js";
import { reportSourceError } from "../report.js";

export const help = `Usage: dfc compile [options] --format json [FILE | -]

Compiles the Dockerfile for every target platform and writes the merged
build graph for other tools: each vertex once (content, inputs, sha256
digest, display name and source location) and, per target, the vertex that
is its image's file system. The format is versioned (schemaVersion) and
described by "dfc schema ir".

Options:
${PLAN_OPTIONS_HELP}
  --format F          json (BuildKit LLB and a lowered Dockerfile are not
                      available yet)
  -o, --output FILE   write there (atomically) instead of standard output
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
  if (format !== "json") throw new UsageError(`--format ${format} is not available yet; --format json writes dfc's graph`);
  const settings = await planSettings(values);
  const input = readInput(dockerfilePath("compile", values.file, positionals));
  let output: string;
  try {
    output = `${JSON.stringify(graphDocument(planBuild(parseDockerfile(input.text), settings)), null, 2)}\n`;
  } catch (error) {
    return reportSourceError(error, input);
  }
  if (values.output === undefined) writeOut(output);
  else writeFileAtomic(values.output, output);
  return EXIT_OK;
}
