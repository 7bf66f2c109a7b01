import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ProgressEvent } from "../../exec/progress.js";
import { simulateBuild } from "../../exec/simulate.js";
import { renderTimelineText } from "../../emit/timeline-text.js";
import { planBuild } from "../../plan/plan.js";
import { formatDiagnostic } from "../../syntax/diagnostic.js";
import { parseDockerfile } from "../../syntax/parse.js";
import { oneOf, parseCommandLine } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "../errors.js";
import { readInput, useColor, writeErr, writeOut } from "../io.js";
import { PLAN_OPTIONS, PLAN_SETTINGS_HELP, planSettings } from "../plan-options.js";
import { reportSourceError } from "../report.js";

export const help = `Usage: dfc build [options] [CONTEXT]

Builds the Dockerfile for every target platform with each shared step done
once. For now dfc simulates the build (--dry-run): it runs the plan through
the real scheduler, every step taking its cost-model estimate, and shows the
timeline, the wall time with and without dedup, and the steps a real build
could not run. Executing steps (the local backend) is not available yet.

Options:
${PLAN_SETTINGS_HELP}
  -f, --file FILE     the Dockerfile (default: CONTEXT/Dockerfile; - reads
                      standard input)
  --dry-run           simulate; execute nothing (implies --backend simulate)
  --backend B         simulate (the only backend so far)
  --jobs N            steps that may run at once (default: CPU count, ${availableParallelism()})
  --progress P        auto (default: no event lines for a simulation), plain
                      (one line per event) or json (one object per line,
                      schema: dfc schema progress); events go to stderr
  -h, --help          show this help

Exit status: 0 the build (simulation) succeeded, 1 the Dockerfile has an
error or a step cannot run (file:line:col on stderr), 2 usage error.
`;

function jobsOption(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || jobs < 1) throw new UsageError(`--jobs must be a positive whole number (got "${value}")`);
  return jobs;
}

function plainEvent(event: ProgressEvent): string {
  const mode = event.mode === null || event.mode === "native" ? "" : ` (${event.mode})`;
  const message = event.message === undefined ? "" : `: ${event.message}`;
  return `${event.time.toFixed(1).padStart(7)}s ${event.event.padEnd(6)} ${event.name}${mode}${message}`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    ...PLAN_OPTIONS,
    "dry-run": { type: "boolean" },
    backend: { type: "string" },
    jobs: { type: "string" },
    progress: { type: "string" },
  });
  if (values.help === true) {
    writeOut(help);
    return EXIT_OK;
  }
  const backend = oneOf("backend", values.backend, ["simulate", "local"], values["dry-run"] === true ? "simulate" : "local");
  if (backend === "local") {
    throw new UsageError("the local backend (really executing steps) is not available yet; use --dry-run to simulate the build");
  }
  const progress = oneOf("progress", values.progress, ["auto", "tty", "plain", "json"], "auto");
  if (progress === "tty") throw new UsageError("--progress tty needs a live build; a simulation is instant: use plain or json");
  const jobs = jobsOption(values.jobs);
  if (positionals.length > 1) throw new UsageError("dfc build takes one CONTEXT directory");
  const context = positionals[0] ?? ".";
  const settings = await planSettings(values);
  const input = readInput(values.file ?? join(context, "Dockerfile"));

  let plan;
  try {
    plan = planBuild(parseDockerfile(input.text), settings);
  } catch (error) {
    return reportSourceError(error, input);
  }
  const onEvent =
    progress === "json" ? (event: ProgressEvent) => writeErr(JSON.stringify(event)) : progress === "plain" ? (event: ProgressEvent) => writeErr(plainEvent(event)) : undefined;
  const simulation = await simulateBuild(plan, { jobs, onEvent });
  writeOut(renderTimelineText(plan, simulation, useColor(process.stdout)));

  const color = useColor(process.stderr);
  for (const failure of simulation.result.failures) {
    const message = `${failure.vertex.meta.name}: ${failure.message}`;
    const range = failure.vertex.meta.location;
    writeErr(range === null ? `dfc: ${message}` : formatDiagnostic({ file: input.name, source: input.text, range, severity: "error", message }, color));
  }
  return simulation.result.failures.length > 0 ? EXIT_FAILURE : EXIT_OK;
}
