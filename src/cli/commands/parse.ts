import { parseDockerfile, dumpBuildkit } from "../../syntax/index.js";
import { AST_SCHEMA_VERSION } from "../../syntax/schema-version.js";
import { oneOf, parseCommandLine } from "../args.js";
import { EXIT_OK } from "../errors.js";
import { dockerfilePath, readInput, writeOut } from "../io.js";
import { reportSourceError } from "../report.js";

export const help = `Usage: dfc parse [--format json|buildkit] [-f FILE | FILE | -]

Parses a Dockerfile (BuildKit's syntax plus IFARCH/ENDIFARCH/TAGARCH) and
prints its syntax tree. Reads ./Dockerfile when no file is given, standard
input for "-".

Options:
  --format json      the typed syntax tree with source positions (default);
                     schema: dfc schema ast
  --format buildkit  BuildKit's AST dump, one (instruction ...) line each
  -f, --file FILE    the Dockerfile to read
  -h, --help         show this help

Exit status: 0 parsed, 1 syntax error (file:line:col and a caret on
stderr), 2 usage error or unreadable file.
`;

export function run(argv: string[]): number {
  const { values, positionals } = parseCommandLine(argv, {
    format: { type: "string" },
    file: { type: "string", short: "f" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help === true) {
    writeOut(help);
    return EXIT_OK;
  }
  const format = oneOf("format", values.format, ["json", "buildkit"], "json");
  const input = readInput(dockerfilePath("parse", values.file, positionals));
  try {
    const dockerfile = parseDockerfile(input.text);
    writeOut(
      format === "buildkit"
        ? dumpBuildkit(dockerfile)
        : `${JSON.stringify({ schemaVersion: AST_SCHEMA_VERSION, file: input.name, dockerfile }, null, 2)}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    return reportSourceError(error, input);
  }
}
