/**
 * The options every planning command shares (plan, outline, targets, lint,
 * build and compile): platforms, target stage, build args,
 * build platform, workers, image metadata, cost model.
 */
import { readFileSync } from "node:fs";
import { arch } from "node:process";
import { parsePlatform, PlatformParseError, type Platform } from "../platform/index.js";
import type { ImageResolver } from "../compile/image-config.js";
import type { CostModel } from "../plan/cost.js";
import { UsageError } from "./errors.js";

export const PLAN_OPTIONS = {
  platform: { type: "string", multiple: true },
  target: { type: "string" },
  "build-arg": { type: "string", multiple: true },
  "build-platform": { type: "string" },
  worker: { type: "string", multiple: true },
  "image-meta": { type: "string" },
  "cost-model": { type: "string" },
  "build-context": { type: "string", multiple: true },
  file: { type: "string", short: "f" },
  help: { type: "boolean", short: "h" },
} as const;

/** The planning options' help, without the Dockerfile's (commands take it in different ways). */
export const PLAN_SETTINGS_HELP = `  --platform P[,P…]   target platforms (repeatable; default: the build platform)
  --target NAME       build this stage (default: the last one)
  --build-arg K=V     set a build argument (repeatable; K alone takes $K)
  --build-platform P  the platform the build runs on (default: the first
                      --worker, else linux/<this machine's arch>)
  --worker P          a machine that runs steps natively (repeatable; the
                      build platform is always one); steps no worker can run
                      are emulated with QEMU
  --image-meta FILE   JSON: image reference → platforms and config
                      (see README); without it base images are unknown
  --cost-model FILE   JSON overriding the cost model's weights
  --build-context NAME=oci-layout://PATH[:TAG]
                      FROM NAME and --from=NAME take the image from a local
                      OCI image layout (repeatable; a stage named NAME wins)`;

export const PLAN_OPTIONS_HELP = `${PLAN_SETTINGS_HELP}
  -f, --file FILE     the Dockerfile (or give FILE; - reads standard input)`;

export interface PlanSettings {
  readonly platforms: Platform[];
  readonly buildPlatform: Platform;
  readonly workers: Platform[];
  readonly buildArgs: Map<string, string>;
  readonly targetStage: string | null;
  readonly resolver: ImageResolver | undefined;
  readonly namedContexts: Map<string, string>;
  readonly costModel: CostModel | undefined;
}

const HOST_ARCH: Readonly<Record<string, string>> = { x64: "amd64", arm64: "arm64", arm: "arm/v7", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

function platformOption(option: string, spec: string): Platform {
  try {
    return parsePlatform(spec.trim());
  } catch (error) {
    if (error instanceof PlatformParseError) throw new UsageError(`--${option}: ${error.message}`);
    throw error;
  }
}

function readJson(option: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`--${option}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${option}: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

interface PlanValues {
  platform?: string[];
  target?: string;
  "build-arg"?: string[];
  "build-platform"?: string;
  worker?: string[];
  "image-meta"?: string;
  "cost-model"?: string;
  "build-context"?: string[];
}

/** `NAME=oci-layout://PATH[:TAG]` → NAME → `PATH[:TAG]`; the other kinds of BuildKit's named contexts are not supported. */
function namedContextsOption(values: readonly string[] | undefined): Map<string, string> {
  const contexts = new Map<string, string>();
  for (const value of values ?? []) {
    const match = /^([^=]+)=oci-layout:\/\/(.+)$/.exec(value);
    if (match === null) throw new UsageError(`--build-context must be NAME=oci-layout://PATH[:TAG] (got "${value}"); other kinds of named context are not supported`);
    contexts.set(match[1] as string, match[2] as string);
  }
  return contexts;
}

export async function planSettings(values: PlanValues): Promise<PlanSettings> {
  // The build runs on a worker: with --worker and no --build-platform, the first worker is the build machine.
  const firstWorker = values.worker?.[0];
  const buildPlatform = platformOption("build-platform", values["build-platform"] ?? firstWorker ?? `linux/${HOST_ARCH[arch] ?? arch}`);
  const specs = (values.platform ?? []).flatMap((list) => list.split(",")).filter((spec) => spec.trim() !== "");
  if (values.platform !== undefined && specs.length === 0) throw new UsageError("--platform: no platform given");
  const platforms = specs.map((spec) => platformOption("platform", spec));
  const buildArgs = new Map<string, string>();
  for (const arg of values["build-arg"] ?? []) {
    const equals = arg.indexOf("=");
    if (equals === 0) throw new UsageError(`--build-arg "${arg}": the name is missing`);
    if (equals === -1) {
      // Like docker build: a bare name takes its value from the environment, if it has one.
      const value = process.env[arg];
      if (value !== undefined) buildArgs.set(arg, value);
    } else {
      buildArgs.set(arg.slice(0, equals), arg.slice(equals + 1));
    }
  }
  let resolver: ImageResolver | undefined;
  if (values["image-meta"] !== undefined) {
    const { parseImageMeta, metaResolver } = await import("../compile/image-meta.js");
    try {
      resolver = metaResolver(parseImageMeta(readJson("image-meta", values["image-meta"])));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--image-meta ${values["image-meta"]}: ${(error as Error).message}`);
    }
  }
  let costModel: CostModel | undefined;
  if (values["cost-model"] !== undefined) {
    const { parseCostModel } = await import("../plan/cost-file.js");
    try {
      costModel = parseCostModel(readJson("cost-model", values["cost-model"]));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--cost-model ${values["cost-model"]}: ${(error as Error).message}`);
    }
  }
  return {
    platforms: platforms.length > 0 ? platforms : [buildPlatform],
    buildPlatform,
    workers: (values.worker ?? []).map((spec) => platformOption("worker", spec)),
    buildArgs,
    targetStage: values.target ?? null,
    resolver,
    namedContexts: namedContextsOption(values["build-context"]),
    costModel,
  };
}
