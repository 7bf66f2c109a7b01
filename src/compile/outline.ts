/**
 * What BuildKit's `--call=outline` and `--call=targets` report, with the same
 * JSON fields: the build arguments, secrets and SSH sockets a target uses,
 * and the stages a Dockerfile offers as targets. Descriptions come from the
 * comment directly above an ARG or FROM when it starts with the argument or
 * stage name (`# base-image The image to build on`).
 */
import type { Platform } from "../platform/index.js";
import type { Dockerfile } from "../syntax/ast.js";
import type { Range } from "../syntax/position.js";
import { compileStages, setUpTarget } from "./compile.js";
import type { ImageResolver } from "./image-config.js";
import type { ArgCommand } from "./instructions/index.js";

/** BuildKit's `pb.Location`: lines 1-based, characters 0-based. */
export interface SourceLocation {
  readonly sourceIndex: 0;
  readonly ranges: readonly { readonly start: { line: number; character: number }; readonly end: { line: number; character: number } }[];
}

export interface OutlineArg {
  readonly name: string;
  readonly description?: string;
  readonly value?: string;
  readonly location: SourceLocation;
}

export interface Outline {
  readonly name?: string;
  readonly description?: string;
  readonly args?: readonly OutlineArg[];
  readonly secrets?: readonly { readonly name: string; readonly required?: boolean; readonly location: SourceLocation }[];
  readonly ssh?: readonly { readonly name: string; readonly required?: boolean; readonly location: SourceLocation }[];
  readonly sources: readonly string[];
}

export interface TargetList {
  readonly targets: readonly {
    readonly name?: string;
    readonly default?: boolean;
    readonly description?: string;
    readonly base?: string;
    readonly platform?: string;
    readonly location: SourceLocation;
  }[];
  readonly sources: readonly string[];
}

export interface OutlineOptions {
  readonly platform: Platform;
  readonly buildPlatform: Platform;
  readonly buildArgs?: ReadonlyMap<string, string>;
  readonly targetStage?: string | null;
  readonly resolver?: ImageResolver;
}

export function location(range: Range): SourceLocation {
  return {
    sourceIndex: 0,
    ranges: [{ start: { line: range.start.line, character: range.start.column - 1 }, end: { line: range.end.line, character: range.end.column - 1 } }],
  };
}

/** `# NAME description…` above the instruction gives NAME's description. */
function descriptionFor(name: string, comments: readonly string[]): string | undefined {
  const [first, ...rest] = comments;
  if (first === undefined) return undefined;
  const [word, ...words] = first.split(/\s+/);
  if (word !== name) return undefined;
  const text = [words.join(" "), ...rest].join(" ").trim();
  return text === "" ? undefined : text;
}

const sources = (text: string): string[] => [Buffer.from(text, "utf8").toString("base64")];

export function outline(dockerfile: Dockerfile, source: string, options: OutlineOptions): Outline {
  const compiled = compileStages(dockerfile, { target: options.platform, ...options });
  // The outline also needs the stage definitions (their ARGs and comments), not only what was built.
  const { globalArgs, stages } = compiled.setup;
  const used = new Set(compiled.stages.map((stage) => stage.index));
  const reachable = stages.filter((stage) => used.has(stage.index));
  const args = new Map<string, OutlineArg>();
  const addArgs = (command: ArgCommand): void => {
    for (const arg of command.args) {
      if (args.has(arg.name)) continue;
      const value = options.buildArgs?.get(arg.name) ?? arg.value ?? undefined;
      const description = descriptionFor(arg.name, command.source.comments);
      args.set(arg.name, {
        name: arg.name,
        ...(description === undefined ? {} : { description }),
        ...(value === undefined ? {} : { value }),
        location: location(arg.range),
      });
    }
  };
  globalArgs.forEach(addArgs);
  const secrets: NonNullable<Outline["secrets"]>[number][] = [];
  const ssh: NonNullable<Outline["ssh"]>[number][] = [];
  for (const stage of reachable) {
    for (const command of stage.commands) {
      if (command.kind === "ARG") addArgs(command);
      if (command.kind !== "RUN") continue;
      for (const mount of command.mounts) {
        if (mount.type === "secret" && !secrets.some((secret) => secret.name === mount.id)) {
          secrets.push({ name: mount.id, ...(mount.required ? { required: true } : {}), location: location(mount.range) });
        }
        if (mount.type === "ssh" && !ssh.some((socket) => socket.name === mount.id)) {
          ssh.push({ name: mount.id, ...(mount.required ? { required: true } : {}), location: location(mount.range) });
        }
      }
    }
  }
  const target = stages[compiled.targetStage.index];
  const description = target?.name === null || target === undefined ? undefined : descriptionFor(target.name, target.from.source.comments);
  return {
    ...(target?.name === null || target === undefined ? {} : { name: target.name }),
    ...(description === undefined ? {} : { description }),
    ...(args.size === 0 ? {} : { args: [...args.values()] }),
    ...(secrets.length === 0 ? {} : { secrets }),
    ...(ssh.length === 0 ? {} : { ssh }),
    sources: sources(source),
  };
}

export function listTargets(dockerfile: Dockerfile, source: string, platform: Platform): TargetList {
  const { stages } = setUpTarget(dockerfile, platform, null);
  const last = stages.length - 1;
  return {
    targets: stages
      .filter((stage) => stage.name !== null || stage.index === last)
      .map((stage) => {
        const description = stage.name === null ? undefined : descriptionFor(stage.name, stage.from.source.comments);
        return {
          ...(stage.name === null ? {} : { name: stage.name }),
          ...(stage.index === last ? { default: true } : {}),
          ...(description === undefined ? {} : { description }),
          base: stage.from.image.value,
          ...(stage.from.platform === null ? {} : { platform: stage.from.platform.value }),
          location: location(stage.location),
        };
      }),
    sources: sources(source),
  };
}
