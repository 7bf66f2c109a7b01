/**
 * Compiling a Dockerfile for one target platform (BuildKit's dockerfile2llb):
 * IFARCH blocks are resolved for the target, global ARGs evaluated, and the
 * target stage compiled together with exactly the stages it needs (through
 * FROM, COPY --from and RUN --mount from=), each once, in dependency order.
 *
 * All targets add their vertices to one BuildGraph, so work that does not
 * depend on the target gets the same digest and is one vertex.
 */
import type { Digest, SourceSpec } from "../graph/ir.js";
import type { BuildGraph, VertexSink } from "../graph/graph.js";
import { formatPlatform, parsePlatform, PlatformParseError, samePlatform, type Platform } from "../platform/index.js";
import { instructionsOf, type Dockerfile, type Instruction } from "../syntax/ast.js";
import { parseDockerfile } from "../syntax/parse.js";
import { START_OF_FILE, type Range } from "../syntax/position.js";
import { SourceError } from "../syntax/errors.js";
import { automaticArgs, type Vars } from "./args.js";
import { dispatch, expand, type DispatchContext } from "./dispatch.js";
import { CompileError } from "./errors.js";
import { CompileMemo } from "./memo.js";
import { checkArchNames, resolveArchBlocks, type ArchResolution } from "./ifarch.js";
import { EMPTY_CONFIG, offlineResolver, type ImageResolver } from "./image-config.js";
import { isValidImageRef, normalizeImageRef } from "./image-ref.js";
import { toCommand, type ArgCommand, type Command } from "./instructions/index.js";
import { findStage, splitStages, stageLabel, type StageDefinition } from "./stages.js";
import { copyMap, frozenConfig, stateFromConfig, stateFromStage, type StageState } from "./state.js";
import type { CompiledStage, CompiledTarget } from "./target.js";

export interface CompileOptions {
  /** The platform the user asked for. */
  readonly target: Platform;
  readonly buildPlatform: Platform;
  readonly buildArgs?: ReadonlyMap<string, string>;
  /** `--target`: a stage name; the last stage by default. */
  readonly targetStage?: string | null;
  readonly resolver?: ImageResolver;
  /**
   * `--build-context NAME=oci-layout://PATH[:TAG]`: names that FROM and
   * --from take from a local OCI image layout instead of a registry (a
   * stage of the same name still wins).
   */
  readonly namedContexts?: ReadonlyMap<string, string>;
  /** Shared by all targets of a plan. */
  readonly graph: BuildGraph;
  /** Told about every command as it is dispatched (the linter's view of the compile). */
  readonly observer?: CompileObserver;
  /** Shared by the compiles of one file's targets (each compile makes its own without one). */
  readonly memo?: CompileMemo;
}

/** What the compiler shows an observer: each command with the stage state just before it. */
export interface CompileObserver {
  command(stage: StageDefinition, command: Command, state: Readonly<StageState>): void;
}

/** A target compiled for its stages alone (see compileStages). */
export interface CompiledTargetStages extends CompiledTarget {
  /** Where the compile started: every stage definition and the global ARGs, needed or not (the outline and the linter read them). */
  readonly setup: TargetSetup;
}

export interface CompiledTargetGraph extends CompiledTargetStages {
  /** The target's result in the graph; null when it is an empty file system. */
  readonly root: Digest | null;
  /** The stage (by index) whose instruction first created each vertex of this target (null: none, the build context). */
  readonly vertexStages: ReadonlyMap<Digest, number | null>;
  /**
   * Every vertex of the target's graph, each once, inputs before the vertices
   * that use them: the order the compiler made them in (every vertex it
   * makes feeds the target's result).
   */
  readonly vertices: readonly Digest[];
}

/** Where every compile of a target starts (the linter starts there too). */
export interface TargetSetup {
  /** The platform the build is made for: the target's, or its TAGARCH group's. */
  readonly platform: Platform;
  readonly tag: ArchResolution["tag"];
  /** Every instruction kept once IFARCH blocks are resolved for `platform`, in all stages. */
  readonly instructions: readonly Instruction[];
  readonly globalArgs: readonly ArgCommand[];
  readonly stages: readonly StageDefinition[];
  readonly target: StageDefinition;
}

/** IFARCH resolved for the target (a TAGARCH switches to its group's build), stages split, the target stage picked. */
export function setUpTarget(dockerfile: Dockerfile, target: Platform, targetStage: string | null, memo?: CompileMemo): TargetSetup {
  checkArchNames(dockerfile.body);
  const requested = resolveArchBlocks(dockerfile.body, target);
  // A TAGARCH makes this target one of a group served by a single build: compile that build.
  const platform = requested.tag?.buildPlatform ?? target;
  const resolution = requested.tag === null ? requested : resolveArchBlocks(dockerfile.body, platform);
  const { globalArgs, stages } = splitStages(resolution.instructions, dockerfile.escape, memo);
  return { platform, tag: requested.tag, instructions: resolution.instructions, globalArgs, stages, target: pickTarget(stages, targetStage) };
}

/** Compiles the target into `options.graph`. */
export function compileTarget(dockerfile: Dockerfile, options: CompileOptions): CompiledTargetGraph {
  const { compiled, compiler, result } = compileInto(dockerfile, options, options.graph);
  return { ...compiled, root: result.state.root, vertexStages: compiler.made, vertices: [...compiler.made.keys()] };
}

/** Options of a compile that keeps no graph. */
export interface StageCompileOptions extends Omit<CompileOptions, "graph"> {
  /** Sees every vertex the compile makes (the linter reads its RUN steps' command lines there); none by default. */
  readonly vertices?: VertexSink;
}

/** A vertex sink that keeps nothing: every vertex gets this id. */
const NOWHERE: VertexSink = { add: () => "sha256:none" };

/**
 * Compiles the target for what its stages are (platforms, bases, configs,
 * each command with its state) without building a graph: vertices are
 * neither kept nor hashed, which is most of a compile's cost.
 */
export function compileStages(dockerfile: Dockerfile, options: StageCompileOptions): CompiledTargetStages {
  return compileInto(dockerfile, options, options.vertices ?? NOWHERE).compiled;
}

function compileInto(dockerfile: Dockerfile, options: Omit<CompileOptions, "graph">, sink: VertexSink): { compiled: CompiledTargetStages; compiler: StageCompiler; result: StageResult } {
  const memo = options.memo ?? new CompileMemo();
  const setup = setUpTarget(dockerfile, options.target, options.targetStage ?? null, memo);
  const { platform, tag, globalArgs, stages, target } = setup;
  const buildArgs = options.buildArgs ?? new Map<string, string>();
  const meta = evaluateGlobalArgs(globalArgs, automaticArgs(options.buildPlatform, platform, target.name ?? ""), buildArgs, dockerfile.escape);
  const compiler = new StageCompiler(stages, meta, buildArgs, dockerfile.escape, options, sink, memo, platform);
  compiler.validateAll();
  const result = compiler.compile(target);
  const stagesInOrder = [...compiler.done.values()].map((entry) => entry.stage).sort((a, b) => a.index - b.index);
  const compiled = { requested: options.target, setup, platform, tagArch: tag?.instruction.range ?? null, targetStage: result.stage, stages: stagesInOrder };
  return { compiled, compiler, result };
}

function pickTarget(stages: readonly StageDefinition[], name: string | null): StageDefinition {
  if (name === null) return stages[stages.length - 1] as StageDefinition;
  const found = findStage(stages, name, false);
  if (found === undefined) {
    const names = stages.flatMap((stage) => (stage.name === null ? [] : [stage.name]));
    throw new CompileError(
      `target stage "${name}" could not be found${names.length > 0 ? ` (stages: ${names.join(", ")})` : " (no stage has a name)"}`,
      stages[stages.length - 1]?.location ?? START_OF_FILE,
    );
  }
  return found;
}

/** Global ARGs: a build arg wins, else the default (expanded with what came before; BuildKit's buildMetaArgs). */
export function evaluateGlobalArgs(commands: readonly ArgCommand[], automatic: Vars, buildArgs: ReadonlyMap<string, string>, escape: "\\" | "`"): Vars {
  const vars = copyMap(automatic);
  for (const command of commands) {
    for (const arg of command.args) {
      const value = buildArgs.get(arg.name) ?? (arg.value === null ? undefined : expand(arg.value, arg.range, vars, escape));
      if (value !== undefined) vars.set(arg.name, value);
    }
  }
  return vars;
}

/** Longest chain of stages built on one another that dfc compiles. */
export const MAX_STAGE_CHAIN = 256;

interface StageBase {
  readonly baseName: string;
  readonly flagPlatform: Platform | null;
  readonly baseStage: StageDefinition | undefined;
}

interface StageResult {
  readonly stage: CompiledStage;
  readonly state: StageState;
}

class StageCompiler {
  readonly done = new Map<number, StageResult>();
  /** Every vertex made for this target, in the order made, with the first stage that made it. */
  readonly made = new Map<Digest, number | null>();
  private readonly bases = new Map<number, StageBase>();
  private contextId: Digest | undefined;
  private readonly resolver: ImageResolver;
  /** How many stage compiles are in progress, one inside another. */
  private depth = 0;

  constructor(
    private readonly stages: readonly StageDefinition[],
    private readonly meta: Vars,
    private readonly buildArgs: ReadonlyMap<string, string>,
    private readonly escape: "\\" | "`",
    private readonly options: Omit<CompileOptions, "graph">,
    private readonly graph: VertexSink,
    private readonly memo: CompileMemo,
    private readonly platform: Platform,
  ) {
    this.resolver = options.resolver ?? offlineResolver;
  }

  /**
   * Compiles a stage once. Stages may only use earlier stages (FROM and
   * --from reject later ones, as BuildKit does), so there are no cycles.
   */
  compile(stage: StageDefinition): StageResult {
    const done = this.done.get(stage.index);
    if (done !== undefined) return done;
    // A stage compiles the stages it uses first, recursively: a bound keeps
    // absurd chains from exhausting the stack (as ONBUILD and IFARCH nesting are bounded).
    if (this.depth === MAX_STAGE_CHAIN) {
      throw new CompileError(`stage "${stageLabel(stage)}" is reached through a chain of more than ${MAX_STAGE_CHAIN} stages built on one another (FROM, --from): dfc does not compile chains that long`, stage.location);
    }
    this.depth++;
    try {
      const result = this.build(stage);
      this.done.set(stage.index, result);
      return result;
    } finally {
      this.depth--;
    }
  }

  private build(stage: StageDefinition): StageResult {
    const from = stage.from;
    const { baseName, flagPlatform, baseStage } = this.baseOf(stage);
    let state: StageState;
    let base: CompiledStage["base"];
    let platformSource: CompiledStage["platformSource"];
    let pinnedToBuild: boolean;
    if (baseStage !== undefined) {
      // `FROM <stage>` continues that stage on its platform; a --platform flag does not re-platform it.
      const parent = this.compile(baseStage);
      state = stateFromStage(parent.state);
      base = { kind: "stage", index: baseStage.index };
      platformSource = "base-stage";
      pinnedToBuild = parent.stage.pinnedToBuild;
    } else {
      const platform = flagPlatform ?? this.platform;
      platformSource = flagPlatform === null ? "target" : "flag";
      pinnedToBuild = flagPlatform !== null && samePlatform(flagPlatform, this.options.buildPlatform);
      const layout = this.options.namedContexts?.get(baseName);
      if (baseName.toLowerCase() === "scratch") {
        state = stateFromConfig(null, platform, EMPTY_CONFIG, true);
        base = { kind: "scratch" };
      } else if (layout !== undefined) {
        const root = this.imageSource({ ref: layout, type: "oci-layout" }, platform, stage, `FROM oci-layout://${layout}`, from.source.range, 1);
        state = stateFromConfig(root, platform, EMPTY_CONFIG, false);
        base = { kind: "image", ref: `oci-layout://${layout}`, known: false, available: true };
      } else {
        const ref = this.imageRef(baseName, from.image.range);
        const lookup = this.resolver.lookup(ref, platform);
        const root = this.imageSource({ ref, type: "image" }, platform, stage, `FROM ${ref}`, from.source.range, 1);
        state = stateFromConfig(root, platform, lookup.status === "known" ? lookup.config : EMPTY_CONFIG, lookup.status === "known");
        base = { kind: "image", ref, known: lookup.status !== "unknown", available: lookup.status !== "unavailable" };
      }
    }
    const commands = [...this.triggers(state, stage), ...stage.commands];
    const context = this.dispatchContext(stage, commands.length + 1);
    commands.forEach((command, offset) => {
      this.options.observer?.command(stage, command, state);
      if (command.kind === "ARG") this.declareArgs(command, state);
      else dispatch(command, state, context, offset + 2);
    });
    const compiled: CompiledStage = {
      index: stage.index,
      name: stage.name,
      platform: state.platform,
      platformSource,
      pinnedToBuild,
      base,
      location: stage.location,
      config: frozenConfig(state.config),
      configKnown: state.configKnown,
    };
    return { stage: compiled, state };
  }

  /**
   * BuildKit checks every stage's base name and platform, and every --from,
   * before it builds anything, so a broken stage fails the build even when
   * the target does not need it.
   */
  validateAll(): void {
    for (const stage of this.stages) {
      const { baseName, baseStage } = this.baseOf(stage);
      if (baseStage === undefined && baseName.toLowerCase() !== "scratch" && this.options.namedContexts?.has(baseName) !== true) this.imageRef(baseName, stage.from.image.range);
      for (const command of stage.commands) {
        if (command.kind !== "COPY" || command.from === null || !/^[0-9]+$/.test(command.from.value)) continue;
        const index = Number(command.from.value);
        if (index >= this.stages.length) {
          throw new CompileError(`stage index ${index} is out of range (the Dockerfile has ${this.stages.length} stages)`, command.from.range);
        }
        if (index >= stage.index) {
          throw new CompileError(`cannot copy from stage "${command.from.value}", it needs to be defined before current stage "${stageLabel(stage)}"`, command.from.range);
        }
      }
    }
  }

  /** A stage's FROM, evaluated once (validateAll checks every stage; build then reads the result). */
  private baseOf(stage: StageDefinition): StageBase {
    const known = this.bases.get(stage.index);
    if (known !== undefined) return known;
    const from = stage.from;
    const baseName = expand(from.image.value, from.image.range, this.meta, this.escape);
    if (baseName === "") throw new CompileError(`base name (${from.image.value}) should not be blank`, from.image.range);
    const base = {
      baseName,
      flagPlatform: from.platform === null ? null : this.parseFlagPlatform(from.platform.value, from.platform.range),
      baseStage: findStage(this.stages, baseName, false, stage.index),
    };
    this.bases.set(stage.index, base);
    return base;
  }

  private parseFlagPlatform(raw: string, range: Range): Platform {
    const spec = expand(raw, range, this.meta, this.escape);
    try {
      return parsePlatform(spec, { host: this.options.buildPlatform });
    } catch (error) {
      if (error instanceof PlatformParseError) throw new CompileError(`--platform: ${error.message}`, range);
      throw error;
    }
  }

  private imageRef(name: string, range: Range): string {
    const known = this.memo.imageRefs;
    let ref = known.get(name);
    if (ref === undefined) known.set(name, (ref = isValidImageRef(name) ? normalizeImageRef(name) : null));
    if (ref === null) throw new CompileError(`"${name}" is neither a stage of this Dockerfile nor a valid image reference`, range);
    return ref;
  }

  private imageSource(source: Extract<SourceSpec, { type: "image" | "oci-layout" }>, platform: Platform, stage: StageDefinition, what: string, location: Range, step: number): Digest {
    const id = this.graph.add(
      { kind: "source", platform: formatPlatform(platform), source },
      [],
      { name: `[${stageLabel(stage)} ${step}/${stage.commands.length + 1}] ${what}`, stage: stageLabel(stage), location },
    );
    this.record(id, stage.index);
    return id;
  }

  /** Adds a vertex to this target's closure; the first stage that made it is the one it is shown under. */
  private record(id: Digest, stageIndex: number | null): void {
    const stage = this.made.get(id);
    if (stage === undefined || (stage === null && stageIndex !== null)) this.made.set(id, stageIndex);
  }

  /** ONBUILD triggers inherited from the base run first, then are cleared (BuildKit's initOnBuildTriggers). */
  private triggers(state: StageState, stage: StageDefinition): Command[] {
    const triggers = state.config.onbuild;
    state.config.onbuild = [];
    return triggers.map((text) => {
      try {
        // Parsed on the child's FROM line, where BuildKit places a trigger's errors and steps.
        const [instruction] = instructionsOf(parseDockerfile("\n".repeat(stage.from.source.range.start.line - 1) + text).body);
        if (instruction === undefined) throw new CompileError(`empty ONBUILD trigger`, stage.from.source.range);
        return toCommand(instruction, { escape: this.escape });
      } catch (error) {
        if (error instanceof SourceError && !(error instanceof CompileError)) {
          throw new CompileError(`ONBUILD trigger "${text.split("\n")[0]}" of the base: ${error.message}`, stage.from.source.range);
        }
        throw error;
      }
    });
  }

  /** A stage ARG: the build arg, else its default, else the global or automatic value of the same name. */
  private declareArgs(command: ArgCommand, state: StageState): void {
    for (const arg of command.args) {
      state.declaredArgs.add(arg.name);
      const value =
        this.buildArgs.get(arg.name) ?? (arg.value === null ? this.meta.get(arg.name) : expand(arg.value, arg.range, state.runEnv, this.escape));
      // An ENV of the same name wins over the ARG (Docker's documented rule).
      if (value !== undefined && !state.config.env.has(arg.name)) state.runEnv.set(arg.name, value);
    }
  }

  private dispatchContext(stage: StageDefinition, steps: number): DispatchContext {
    return {
      graph: this.graph,
      memo: this.memo,
      escape: this.escape,
      stage: stageLabel(stage),
      steps,
      resolveFrom: (reference, range, use) => this.resolveFrom(reference, range, stage, use),
      context: () => this.context(),
      created: (id) => this.record(id, stage.index),
    };
  }

  /**
   * `--from` / `from=`: an earlier stage by name or index, else an image. An
   * image named here has no platform of its own, so BuildKit resolves it for
   * the target platform, whatever the stage's platform is.
   */
  private resolveFrom(reference: string, range: Range, current: StageDefinition, use: "copy" | "mount"): Digest | null {
    const stage = findStage(this.stages, reference, true);
    if (stage !== undefined) {
      if (stage.index >= current.index) {
        throw new CompileError(
          use === "copy"
            ? `cannot copy from stage "${stageLabel(stage)}", it needs to be defined before current stage "${stageLabel(current)}"`
            : `cannot mount from stage "${stageLabel(stage)}", stage needs to be defined before current command`,
          range,
        );
      }
      return this.compile(stage).state.root;
    }
    if (/^[0-9]+$/.test(reference)) {
      throw new CompileError(`stage index ${reference} is out of range (the Dockerfile has ${this.stages.length} stages)`, range);
    }
    const layout = this.options.namedContexts?.get(reference);
    if (layout !== undefined) return this.imageSource({ ref: layout, type: "oci-layout" }, this.platform, current, `load oci-layout://${layout}`, range, 1);
    const ref = this.imageRef(reference, range);
    return this.imageSource({ ref, type: "image" }, this.platform, current, `load ${ref}`, range, 1);
  }

  private context(): Digest {
    if (this.contextId !== undefined) return this.contextId;
    this.contextId = this.graph.add(
      { kind: "source", platform: null, source: { excludePatterns: [], followPaths: [], name: "context", type: "local" } },
      [],
      { name: "[internal] load build context", stage: null, location: null },
    );
    this.record(this.contextId, null);
    return this.contextId;
  }
}
