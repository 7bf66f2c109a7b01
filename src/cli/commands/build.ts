import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { DockerIgnore, readDockerIgnore } from "../../compile/dockerignore.js";
import { renderTimelineText } from "../../emit/timeline-text.js";
import { LiveProgress } from "../../emit/progress-tty.js";
import { LocalBackend } from "../../exec/local/backend.js";
import { defaultCacheDir, SnapshotCache } from "../../exec/local/cache.js";
import { registryResolver } from "../../exec/local/image-configs.js";
import { builtImages, exportBuild, OutputSpecError, parseOutputSpec, pushBuild, type OutputSpec } from "../../exec/local/export.js";
import { OciLayoutError } from "../../exec/local/oci-layout.js";
import { StepFailedError } from "../../exec/local/proot.js";
import { RegistryError } from "../../exec/local/registry.js";
import type { ProgressEvent } from "../../exec/progress.js";
import { schedule, type ScheduleResult } from "../../exec/scheduler.js";
import { simulateBuild } from "../../exec/simulate.js";
import { planBuild, type Plan } from "../../plan/plan.js";
import { formatDiagnostic } from "../../syntax/diagnostic.js";
import { parseDockerfile } from "../../syntax/parse.js";
import { oneOf, parseCommandLine } from "../args.js";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "../errors.js";
import { readInput, useColor, writeErr, writeOut, type InputFile } from "../io.js";
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

const EXIT_CANCELLED = 130;

function jobsOption(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || jobs < 1) throw new UsageError(`--jobs must be a positive whole number (got "${value}")`);
  return jobs;
}

/** `id=ID,src=FILE` (BuildKit also spells src as source). */
function secretsOption(values: readonly string[] | undefined): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const value of values ?? []) {
    const fields = new Map<string, string>();
    for (const part of value.split(",")) {
      const equals = part.indexOf("=");
      if (equals > 0) fields.set(part.slice(0, equals).trim(), part.slice(equals + 1));
    }
    const id = fields.get("id");
    const src = fields.get("src") ?? fields.get("source");
    if (id === undefined || id === "" || src === undefined || src === "") throw new UsageError(`--secret must be id=ID,src=FILE (got "${value}")`);
    if (!existsSync(src)) throw new UsageError(`--secret ${id}: no such file ${src}`);
    secrets.set(id, src);
  }
  return secrets;
}

function outputOption(value: string | undefined): OutputSpec | null {
  if (value === undefined) return null;
  try {
    return parseOutputSpec(value);
  } catch (error) {
    if (error instanceof OutputSpecError) throw new UsageError(error.message);
    throw error;
  }
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

  let plan: Plan;
  try {
    plan = planBuild(parseDockerfile(input.text), settings);
  } catch (error) {
    return reportSourceError(error, input);
  }

  if (backend === "simulate") {
    if (progress === "tty") throw new UsageError("--progress tty needs a live build; a simulation is instant: use plain or json");
    const simulation = await simulateBuild(plan, { jobs, onEvent: eventWriter(progress === "auto" ? null : progress) });
    writeOut(renderTimelineText(plan, simulation, useColor(process.stdout)));
    return reportFailures(simulation.result, input);
  }

  if (!existsSync(context)) throw new UsageError(`build context ${context}: no such directory`);
  const cacheDir = resolve(values["cache-dir"] ?? defaultCacheDir());
  const relativeCache = relative(resolve(context), cacheDir);
  if (relativeCache === "" || (!relativeCache.startsWith("..") && !isAbsolute(relativeCache))) {
    throw new UsageError(`--cache-dir ${cacheDir} is inside the build context ${context}, which the build copies: put it elsewhere`);
  }
  const ignoreLines = readDockerIgnore(dockerfilePath, context);
  const dockerignore = ignoreLines === null ? null : DockerIgnore.parse(ignoreLines);
  if (ignoreLines !== null && dockerignore === null) throw new UsageError(`the .dockerignore of ${context} has a pattern BuildKit rejects`);
  let cache: SnapshotCache;
  try {
    cache = new SnapshotCache(cacheDir);
  } catch (error) {
    throw new UsageError(`--cache-dir ${cacheDir}: ${(error as Error).message}`);
  }
  // RUN steps inherit their base image's environment, user and working directory: learn them, then plan again.
  try {
    const resolver = await registryResolver(plan, settings.resolver, { blobDir: join(cache.root, "blobs") });
    if (resolver !== null) plan = planBuild(parseDockerfile(input.text), { ...settings, resolver });
  } catch (error) {
    if (error instanceof RegistryError) {
      writeErr(`dfc: ${error.message}`);
      return EXIT_FAILURE;
    }
    return reportSourceError(error, input);
  }
  const mode = progress === "auto" ? (process.stderr.isTTY === true ? "tty" : "plain") : progress;
  const view = mode === "tty" ? liveView() : null;
  const local = new LocalBackend({
    cache,
    context,
    dockerignore,
    secrets,
    onOutput: (planned, line) => {
      if (view !== null) view.progress.output(planned.vertex.id, line);
      else if (mode === "plain") writeErr(`        | ${line}`);
    },
  });
  const cancel = new AbortController();
  const onInterrupt = (): void => cancel.abort(new Error("cancelled"));
  // Ctrl-C, a kill and a closed terminal all end the build the same way: running steps killed, their work removed.
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.once(signal, onInterrupt);
  let result: ScheduleResult;
  try {
    result = await schedule(plan.vertices, local, {
      jobs,
      signal: cancel.signal,
      onEvent: view !== null ? (event) => view.progress.event(event) : eventWriter(mode === "json" ? "json" : "plain"),
    });
  } finally {
    for (const signal of signals) process.removeListener(signal, onInterrupt);
    view?.stop();
  }
  if (result.cancelled) {
    writeErr("dfc: build cancelled; finished steps are kept in the cache");
    return EXIT_CANCELLED;
  }
  const status = reportFailures(result, input);
  if (status !== EXIT_OK) return status;
  const images = builtImages(plan, (digest) => local.resultOf(digest));
  try {
    if (output !== null) await exportBuild(images, output);
    if (values.push !== undefined) writeErr(`dfc: pushed ${values.push}@${await pushBuild(images, values.push, [])}`);
  } catch (error) {
    return reportOutputError(error);
  }
  writeErr(`dfc: ${result.executed.length} steps run, ${result.cached.length} cached`);
  return EXIT_OK;
}

/** A destination or registry that cannot take the result is the user's to fix: its message, no stack trace. */
function reportOutputError(error: unknown): number {
  const known = error instanceof OciLayoutError || error instanceof RegistryError || (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string");
  if (!known) throw error;
  writeErr(`dfc: the build succeeded, but its result could not be written: ${(error as Error).message}`);
  return EXIT_FAILURE;
}

function eventWriter(progress: "plain" | "json" | null): ((event: ProgressEvent) => void) | undefined {
  if (progress === "json") return (event) => writeErr(JSON.stringify(event));
  if (progress === "plain") return (event) => writeErr(plainEvent(event));
  return undefined;
}

/** The tty view, redrawn ten times a second on stderr. */
function liveView(): { progress: LiveProgress; stop: () => void } {
  const progress = new LiveProgress();
  const started = performance.now();
  let shown = 0;
  const draw = (): void => {
    // Some terminals (and pseudo-terminals without a size) report 0 columns.
    const width = (process.stderr.columns ?? 0) > 0 ? process.stderr.columns : 100;
    const live = progress.live((performance.now() - started) / 1000, width);
    const text = [...progress.takeFinished(), ...live].map((line) => `${line}\x1b[K\n`).join("");
    process.stderr.write(`${shown > 0 ? `\x1b[${shown}A` : ""}${text}\x1b[J`);
    shown = live.length;
  };
  const timer = setInterval(draw, 100);
  return {
    progress,
    stop: () => {
      clearInterval(timer);
      draw();
    },
  };
}

function reportFailures(result: ScheduleResult, input: InputFile): number {
  const color = useColor(process.stderr);
  for (const failure of result.failures) {
    const message = `${failure.vertex.meta.name}: ${failure.message}`;
    const range = failure.vertex.meta.location;
    writeErr(range === null ? `dfc: ${message}` : formatDiagnostic({ file: input.name, source: input.text, range, severity: "error", message }, color));
    // The step's own last words say why it failed.
    if (failure.error instanceof StepFailedError) for (const line of failure.error.tail) writeErr(`  > ${line}`);
  }
  return result.failures.length > 0 ? EXIT_FAILURE : EXIT_OK;
}
