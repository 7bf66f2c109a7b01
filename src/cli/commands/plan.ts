import { renderPlanText } from "../../emit/plan-text.js";
import { planBuild } from "../../plan/plan.js";
import { planToJson } from "../../plan/json.js";
import { parseDockerfile } from "../../syntax/parse.js";
import { oneOf, parseCommandLine } from "../args.js";
import { EXIT_OK } from "../errors.js";
import { dockerfilePath, readInput, useColor, writeOut } from "../io.js";
import { PLAN_OPTIONS, PLAN_OPTIONS_HELP, planSettings } from "../plan-options.js";
import { reportSourceError } from "../report.js";

export const help = `Usage: dfc plan [options] [FILE | -]

Compiles the Dockerfile for every target platform into one build graph and
shows, before anything is built, which steps are shared by the targets
(built once), which run natively, cross-compiled on the build platform or
emulated with QEMU, and what that costs.

Options:
${PLAN_OPTIONS_HELP}
  --format F          text (default), json, dot or mermaid
  -h, --help          show this help

Exit status: 0 planned, 1 the Dockerfile has an error (file:line:col on
stderr, nothing on stdout), 2 usage error or unreadable file.
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, { ...PLAN_OPTIONS, format: { type: "string" } });
  if (values.help === true) {
    writeOut(help);
    return EXIT_OK;
  }
  const format = oneOf("format", values.format, ["text", "json", "dot", "mermaid"], "text");
  const settings = await planSettings(values);
  const input = readInput(dockerfilePath("plan", values.file, positionals));
  let output: string;
  try {
    const plan = planBuild(parseDockerfile(input.text), settings);
    switch (format) {
      case "json":
        output = `${JSON.stringify(planToJson(plan), null, 2)}\n`;
        break;
      case "dot":
        output = (await import("../../emit/dot.js")).renderDot(plan);
        break;
      case "mermaid":
        output = (await import("../../emit/mermaid.js")).renderMermaid(plan);
        break;
      case "text":
        output = renderPlanText(plan, useColor(process.stdout));
    }
  } catch (error) {
    return reportSourceError(error, input);
  }
  writeOut(output);
  return EXIT_OK;
}
