/**
 * `dfc build --backend local`: the real build. Loaded only for it, so a
 * simulation (and every other command) does not load the tar, registry and
 * OCI modules.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { DockerIgnore, readDockerIgnore } from "../compile/dockerignore.js";
import { LiveProgress } from "../emit/progress-tty.js";
import { LocalBackend } from "../exec/local/backend.js";
import { SnapshotCache } from "../exec/local/cache.js";
import { builtImages, exportBuild, pushBuild, type OutputSpec } from "../exec/local/export.js";
import { registryResolver } from "../exec/local/image-configs.js";
import { OciLayoutError } from "../exec/local/oci-layout.js";
import { RegistryError } from "../exec/local/registry.js";
import { schedule, type ScheduleResult } from "../exec/scheduler.js";
import { planBuild, type Plan } from "../plan/plan.js";
import type { Dockerfile } from "../syntax/ast.js";
import { eventWriter, reportFailures } from "./build-report.js";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "./errors.js";
import { writeErr, type InputFile } from "./io.js";
import type { PlanSettings } from "./plan-options.js";
import { reportSourceError } from "./report.js";

const EXIT_CANCELLED = 130;

export interface LocalBuildRequest {
  readonly dockerfile: Dockerfile;
  readonly dockerfilePath: string;
  readonly input: InputFile;
  /** Planned offline; planned again once the base images' configs are known. */
  readonly plan: Plan;
  readonly settings: PlanSettings;
  readonly context: string;
  readonly cacheDir: string;
  readonly jobs: number;
  readonly progress: "auto" | "tty" | "plain" | "json";
  readonly secrets: ReadonlyMap<string, string>;
  readonly output: OutputSpec | null;
  readonly push: string | undefined;
}

export async function buildLocally(request: LocalBuildRequest): Promise<number> {
  const { context, input } = request;
  if (!existsSync(context)) throw new UsageError(`build context ${context}: no such directory`);
  const cacheDir = resolve(request.cacheDir);
  const relativeCache = relative(resolve(context), cacheDir);
  if (relativeCache === "" || (!relativeCache.startsWith("..") && !isAbsolute(relativeCache))) {
    throw new UsageError(`--cache-dir ${cacheDir} is inside the build context ${context}, which the build copies: put it elsewhere`);
  }
  const ignoreLines = readDockerIgnore(request.dockerfilePath, context);
  const dockerignore = ignoreLines === null ? null : DockerIgnore.parse(ignoreLines);
  if (ignoreLines !== null && dockerignore === null) throw new UsageError(`the .dockerignore of ${context} has a pattern BuildKit rejects`);
  let cache: SnapshotCache;
  try {
    cache = new SnapshotCache(cacheDir);
  } catch (error) {
    throw new UsageError(`--cache-dir ${cacheDir}: ${(error as Error).message}`);
  }
  // RUN steps inherit their base image's environment, user and working directory: learn them, then plan again.
  let plan = request.plan;
  try {
    const resolver = await registryResolver(plan, request.settings.resolver, { blobDir: join(cache.root, "blobs") });
    if (resolver !== null) plan = planBuild(request.dockerfile, { ...request.settings, resolver });
  } catch (error) {
    if (error instanceof RegistryError) {
      writeErr(`dfc: ${error.message}`);
      return EXIT_FAILURE;
    }
    return reportSourceError(error, input);
  }
  const mode = request.progress === "auto" ? (process.stderr.isTTY === true ? "tty" : "plain") : request.progress;
  const view = mode === "tty" ? liveView() : null;
  const local = new LocalBackend({
    cache,
    context,
    dockerignore,
    secrets: request.secrets,
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
      jobs: request.jobs,
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
    if (request.output !== null) await exportBuild(images, request.output);
    if (request.push !== undefined) writeErr(`dfc: pushed ${request.push}@${await pushBuild(images, request.push)}`);
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
