import { availableParallelism } from "node:os";
import { join } from "node:path";
import { renderTimelineText } from "../../emit/timeline-text.js";
import { defaultCacheDir } from "../../exec/local/cache.js";
import { simulateBuild } from "../../exec/simulate.js";
import { planBuild, type Plan } from "../../plan/plan.js";
import type { Dockerfile } from "../../syntax/ast.js";
import { parseDockerfile } from "../../syntax/parse.js";
import { oneOf, parseCommandLine } from "../args.js";
import { jobsOption, outputOption, secretsOption } from "../build-options.js";
import { eventWriter, reportFailures } from "../build-report.js";
import { EXIT_OK, UsageError } from "../errors.js";
import { readInput, useColor, writeOut } from "../io.js";
import { PLAN_OPTIONS, PLAN_SETTINGS_HELP, planSettings } from "../plan-options.js";
import { reportSourceError } from "../report.js";

export const help = `Usage: dfc build [options] [CONTEXT]

Builds the Dockerfile for every target platform, each shared step once.

The local backend (the default) really builds, rootless, on this machine:
RUN steps run with proot in a directory snapshot of the step's file system,
natively or, for another architecture, under QEMU user emulation (Debian
packages proot and qemu-user-static); COPY/ADD/WORKDIR are done by dfc.
Results are kept in a content-addressed cache: a second build of an
unchanged Dockerfile runs nothing, and a change re-runs only what it
affects. --dry-run instead simulates the build with the cost model and shows
the timeline, the wall time with and without dedup, and the steps a real
build could not run.

Options:
${PLAN_SETTINGS_HELP}
  -f, --file FILE     the Dockerfile (default: CONTEXT/Dockerfile; - reads
                      standard input)
  --dry-run           simulate; execute nothing (implies --backend simulate)
  --backend B         local (default) or simulate
  --jobs N            steps that may run at once (default: CPU count, ${availableParallelism()})
  --cache-dir DIR     the local backend's cache (default: ${defaultCacheDir()})
  --output SPEC       type=oci,dest=DIR|FILE.tar: an OCI image layout with one
                      manifest per build (a TAGARCH build listed under each
                      of its platforms); type=local,dest=DIR: each platform's
                      root file system in DIR/<os>_<arch>[_<variant>]
  --push REF          push the images to a registry as one multi-platform
                      image (plain HTTP for localhost and 127.0.0.1)
  --secret id=ID,src=FILE
                      a secret for RUN --mount=type=secret (repeatable); it
                      is never written to the cache, the image or any output
  --progress P        auto (default: tty on a terminal, else plain), tty
                      (live view), plain (one line per event and step
                      output) or json (one object per line, schema:
                      dfc schema progress); progress goes to stderr
  -h, --help          show this help

Exit status: 0 built, 1 the Dockerfile has an error or a step failed
(file:line:col and the step's last output lines on stderr), 2 usage error,
130 cancelled (Ctrl-C).
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    ...PLAN_OPTIONS,
    "dry-run": { type: "boolean" },
    backend: { type: "string" },
    jobs: { type: "string" },
    progress: { type: "string" },
    "cache-dir": { type: "string" },
    output: { type: "string", short: "o" },
    push: { type: "string" },
    secret: { type: "string", multiple: true },
  });
  if (values.help === true) {
    writeOut(help);
    return EXIT_OK;
  }
  const backend = oneOf("backend", values.backend, ["simulate", "local"], values["dry-run"] === true ? "simulate" : "local");
  if (values["dry-run"] === true && backend === "local") throw new UsageError("--dry-run simulates: it cannot go with --backend local");
  const progress = oneOf("progress", values.progress, ["auto", "tty", "plain", "json"], "auto");
  const jobs = jobsOption(values.jobs);
  if (positionals.length > 1) throw new UsageError("dfc build takes one CONTEXT directory");
  const context = positionals[0] ?? ".";
  const secrets = secretsOption(values.secret);
  const output = outputOption(values.output);
  if (backend === "simulate" && (output !== null || values.push !== undefined)) throw new UsageError("a simulation builds nothing to --output or --push");
  const settings = await planSettings(values);
  const dockerfilePath = values.file ?? join(context, "Dockerfile");
  const input = readInput(dockerfilePath);

  let dockerfile: Dockerfile;
  let plan: Plan;
  try {
    dockerfile = parseDockerfile(input.text);
    plan = planBuild(dockerfile, settings);
  } catch (error) {
    return reportSourceError(error, input);
  }

  if (backend === "simulate") {
    if (progress === "tty") throw new UsageError("--progress tty needs a live build; a simulation is instant: use plain or json");
    const simulation = await simulateBuild(plan, { jobs, onEvent: eventWriter(progress === "auto" ? null : progress) });
    writeOut(renderTimelineText(plan, simulation, useColor(process.stdout)));
    return reportFailures(simulation.result, input);
  }
  const { buildLocally } = await import("../local-build.js");
  return buildLocally({
    dockerfile,
    dockerfilePath,
    input,
    plan,
    settings,
    context,
    cacheDir: values["cache-dir"] ?? defaultCacheDir(),
    jobs,
    progress,
    secrets,
    output,
    push: values.push,
  });
}
