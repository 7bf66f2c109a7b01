import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { readDockerIgnore } from "../../compile/dockerignore.js";
import { atLeast, type Finding } from "../../lint/finding.js";
import { lintSource } from "../../lint/lint.js";
import type { LintConfig } from "../../lint/options.js";
import { RULES } from "../../lint/rules/index.js";
import { formatGithub } from "../../lint/format/github.js";
import { formatText } from "../../lint/format/text.js";
import { formatPlatform } from "../../platform/index.js";
import { oneOf, parseCommandLine } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "../errors.js";
import { readInput, useColor, writeErr, writeOut, type InputFile } from "../io.js";
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, planSettings } from "../plan-options.js";
import { dfcVersion } from "../version.js";

export const help = `Usage: dfc lint [options] [FILE… | -]

Checks Dockerfiles for multi-platform pitfalls on every requested platform
(undeclared TARGETARCH, architecture names that never match, hard-coded
binaries, probes of the build machine, compilers run under emulation,
IFARCH/TAGARCH mistakes) and runs BuildKit's build checks. Honours
BuildKit's "# check=skip=…;error=…;experimental=…" directive and the
BUILDKIT_DOCKERFILE_CHECK build arg; "# dfc-ignore Rule" on the line above
a finding suppresses it.

Options:
${PLAN_OPTIONS_HELP}
  --config FILE       rule settings and default platforms (default: ./.dfc.json)
  --format F          text (default), json, sarif (SARIF 2.1.0) or github
                      (workflow annotations)
  --error-on LEVEL    exit 1 when a finding is at least error (default),
                      warning, or never
  -h, --help          show this help

Exit status: 0 no finding at or above --error-on, 1 some, 2 usage error or
an unreadable file (the other files are still linted). Syntax errors are
reported as findings.
`;

async function loadConfig(path: string | undefined): Promise<LintConfig> {
  const file = path ?? (existsSync(".dfc.json") ? ".dfc.json" : undefined);
  if (file === undefined) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--config ${file}: ${(error as Error).message}`);
  }
  const { parseLintConfig } = await import("../../lint/config.js");
  try {
    return parseLintConfig(json, RULES.map((rule) => rule.name));
  } catch (error) {
    const issues = (error as { issues?: { path: (string | number)[]; message: string }[] }).issues;
    throw new UsageError(`--config ${file}: ${issues?.map((issue) => `${issue.path.join(".") || "(top)"}: ${issue.message}`).join("; ") ?? (error as Error).message}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    ...PLAN_OPTIONS,
    config: { type: "string" },
    format: { type: "string" },
    "error-on": { type: "string" },
  });
  if (values.help === true) {
    writeOut(help);
    return EXIT_OK;
  }
  const format = oneOf("format", values.format, ["text", "json", "sarif", "github"], "text");
  const errorOn = oneOf("error-on", values["error-on"], ["error", "warning", "never"], "error");
  const config = await loadConfig(values.config);
  const settings = await planSettings({ ...values, platform: values.platform ?? (config.platforms === undefined ? undefined : [config.platforms.join(",")]) });
  const paths = [...(values.file === undefined ? [] : [values.file]), ...positionals];
  if (paths.length === 0) paths.push("Dockerfile");
  const findings: Finding[] = [];
  const sources = new Map<string, string>();
  let unreadable = false;
  for (const path of paths) {
    let input: InputFile;
    try {
      input = readInput(path);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      writeErr(`dfc: ${error.message}`);
      unreadable = true;
      continue;
    }
    sources.set(input.name, input.text);
    findings.push(
      ...lintSource(input.name, input.text, {
        platforms: settings.platforms,
        buildPlatform: settings.buildPlatform,
        workers: settings.workers,
        buildArgs: settings.buildArgs,
        targetStage: settings.targetStage,
        resolver: settings.resolver,
        // The context is the Dockerfile's directory; standard input has none.
        dockerignore: path === "-" ? null : readDockerIgnore(path, dirname(path)),
        config,
      }),
    );
  }
  const platforms = settings.platforms.map(formatPlatform);
  switch (format) {
    case "json":
      writeOut(`${JSON.stringify(findings, null, 2)}\n`);
      break;
    case "sarif":
      writeOut((await import("../../lint/format/sarif.js")).formatSarif(findings, RULES, dfcVersion()));
      break;
    case "github":
      writeOut(formatGithub(findings));
      break;
    case "text":
      writeOut(formatText(findings, sources, platforms, useColor(process.stdout)));
  }
  if (unreadable) return EXIT_USAGE;
  if (errorOn === "never") return EXIT_OK;
  return findings.some((finding) => atLeast(finding.severity, errorOn)) ? EXIT_FAILURE : EXIT_OK;
}

