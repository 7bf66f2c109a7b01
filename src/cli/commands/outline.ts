import { listTargets, outline } from "../../compile/outline.js";
import { parseDockerfile } from "../../syntax/parse.js";
import { oneOf, parseCommandLine } from "../args.js";
import { EXIT_OK } from "../errors.js";
import { dockerfilePath, readInput, writeOut } from "../io.js";
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, planSettings } from "../plan-options.js";
import { reportSourceError } from "../report.js";

const helpFor = (name: "outline" | "targets"): string => `Usage: dfc ${name} [options] [FILE | -]

${
  name === "outline"
    ? `Lists what a build of the target stage needs, with the fields of BuildKit's
--call=outline: build arguments (value, description, location), secrets
and SSH sockets.`
    : `Lists the stages a Dockerfile offers as build targets, with the fields of
BuildKit's --call=targets: name, default, description, base, platform.`
}

Options:
${PLAN_OPTIONS_HELP}
  --format F          json (default) or text
  -h, --help          show this help
`;

export const help = helpFor("outline");

async function runCall(name: "outline" | "targets", argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { ...PLAN_OPTIONS, format: { type: "string" } });
  if (values.help === true) {
    writeOut(helpFor(name));
    return EXIT_OK;
  }
  const format = oneOf("format", values.format, ["json", "text"], "json");
  const settings = await planSettings(values);
  const input = readInput(dockerfilePath(name, values.file, positionals));
  let result: object;
  try {
    const dockerfile = parseDockerfile(input.text);
    const platform = settings.platforms[0] ?? settings.buildPlatform;
    result = name === "outline" ? outline(dockerfile, input.text, { ...settings, platform }) : listTargets(dockerfile, input.text, platform);
  } catch (error) {
    return reportSourceError(error, input);
  }
  writeOut(format === "json" ? `${JSON.stringify(result, null, 2)}\n` : toText(result));
  return EXIT_OK;
}

/** A compact listing: one line per entry, `name  value  description`. */
function toText(result: object): string {
  const lines: string[] = [];
  for (const [section, entries] of Object.entries(result)) {
    if (!Array.isArray(entries) || section === "sources") continue;
    lines.push(`${section.toUpperCase()}`);
    for (const entry of entries as { name?: string; value?: string; base?: string; default?: boolean; description?: string; required?: boolean }[]) {
      const detail = entry.value ?? entry.base ?? (entry.required === true ? "required" : "");
      lines.push(`  ${(entry.name ?? "(unnamed)").padEnd(24)} ${(detail + (entry.default === true ? " (default)" : "")).padEnd(28)} ${entry.description ?? ""}`.trimEnd());
    }
  }
  return `${lines.join("\n")}\n`;
}

export function run(argv: string[]): Promise<number> {
  return runCall("outline", argv);
}

export function runTargets(argv: string[]): Promise<number> {
  return runCall("targets", argv);
}
