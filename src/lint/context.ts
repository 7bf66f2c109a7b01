/**
 * What rules look at: the file, its syntax tree, and for every requested
 * target platform the compiled stages with each dispatched command and the
 * stage state before it (which ARGs are declared, the environment). The
 * compile builds no graph: no rule needs digests, and hashing every vertex
 * was the larger part of linting. Built once per file; rules only read it.
 */
import { compileStages, type CompiledTargetStages, type CompileObserver } from "../compile/compile.js";
import { CompileError } from "../compile/errors.js";
import { resolveArchBlocks } from "../compile/ifarch.js";
import type { ImageResolver } from "../compile/image-config.js";
import type { Command } from "../compile/instructions/index.js";
import type { StageDefinition } from "../compile/stages.js";
import { copyMap, copySet } from "../compile/state.js";
import type { CompiledStage } from "../compile/target.js";
import type { VertexSink } from "../graph/graph.js";
import type { Digest, ExecContent, VertexContent } from "../graph/ir.js";
import { uniqueSorted } from "../plan/plan.js";
import { formatPlatform, type Platform } from "../platform/index.js";
import { instructionsOf, type Dockerfile, type Instruction } from "../syntax/ast.js";
import { SourceError } from "../syntax/errors.js";
import { LintMemo } from "./memo.js";
import type { Report } from "./rule.js";

/** One dispatched command and the stage state just before it. */
export interface Step {
  readonly definition: StageDefinition;
  /** The stage as compiled (platform, pinning, base). */
  readonly stage: CompiledStage;
  readonly command: Command;
  readonly declaredArgs: ReadonlySet<string>;
  readonly env: ReadonlyMap<string, string>;
  /** What a RUN runs (command line, platform, environment); null for other commands. */
  readonly exec: ExecContent | null;
}

export interface TargetView {
  /** The requested platform. */
  readonly platform: Platform;
  /**
   * Every instruction the target keeps once IFARCH blocks are resolved (for
   * the platform it is built for), in all stages, needed or not; empty when
   * an unknown architecture name makes that impossible.
   */
  readonly instructions: readonly Instruction[];
  /** Null when the Dockerfile does not compile for it (see `error`). */
  readonly compiled: CompiledTargetStages | null;
  readonly error: SourceError | null;
  /** Commands of every compiled stage, in dispatch order. */
  readonly steps: readonly Step[];
}

export interface LintInput {
  readonly file: string;
  readonly source: string;
  readonly dockerfile: Dockerfile;
  readonly platforms: readonly Platform[];
  readonly buildPlatform: Platform;
  /** Machines that run steps besides the build platform (the planner's workers). */
  readonly workers: readonly Platform[];
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly targetStage: string | null;
  readonly resolver: ImageResolver | undefined;
  /** Patterns of `.dockerignore` (or `Dockerfile.dockerignore`) beside the Dockerfile; null when there is none. */
  readonly dockerignore: readonly string[] | null;
}

export interface LintContext extends LintInput {
  /** Every instruction in source order, IFARCH delimiters included. */
  readonly instructions: readonly Instruction[];
  /** The same as a set: a step whose command is not in it was replayed from a base image's ONBUILD trigger. */
  readonly written: ReadonlySet<Instruction>;
  readonly targets: readonly TargetView[];
  /** What rules' helpers compute once per file (released when its lint ends). */
  readonly memo: LintMemo;
  report(report: Report): void;
}

interface Snapshot {
  readonly state: object;
  readonly declaredArgs: ReadonlySet<string>;
  readonly env: ReadonlyMap<string, string>;
}

interface Recorded {
  readonly definition: StageDefinition;
  readonly command: Command;
  readonly declaredArgs: ReadonlySet<string>;
  readonly env: ReadonlyMap<string, string>;
  exec: ExecContent | null;
}

/**
 * Watches a compile: each command with the state before it, and the exec
 * vertex a RUN makes. It is also the compile's vertex sink, so nothing is
 * hashed or kept but what the rules read.
 */
class StepRecorder implements CompileObserver, VertexSink {
  readonly recorded: Recorded[] = [];
  /** RUN steps shown but not yet given their exec vertex, innermost last. */
  private readonly running: Recorded[] = [];
  private snapshot: Snapshot | undefined;
  /** Whether the last command recorded changes the declared ARGs or the environment (ARG, ENV). */
  private changing = false;

  command(definition: StageDefinition, command: Command, state: { declaredArgs: ReadonlySet<string>; runEnv: ReadonlyMap<string, string> }): void {
    // Only ARG and ENV change what a step sees, so the steps between them share one copy.
    if (this.snapshot === undefined || this.snapshot.state !== state || this.changing) {
      this.snapshot = { state, declaredArgs: copySet(state.declaredArgs), env: copyMap(state.runEnv) };
    }
    this.changing = command.kind === "ARG" || command.kind === "ENV";
    const step: Recorded = { definition, command, declaredArgs: this.snapshot.declaredArgs, env: this.snapshot.env, exec: null };
    this.recorded.push(step);
    if (command.kind === "RUN") this.running.push(step);
  }

  add(content: VertexContent): Digest {
    // A RUN makes its exec vertex last, after the stages its mounts use are
    // compiled (with RUNs of their own): the innermost RUN still waiting is its.
    if (content.kind === "exec") {
      const step = this.running.pop();
      if (step !== undefined) step.exec = content;
    }
    return "sha256:unkept";
  }
}

function keptInstructions(dockerfile: Dockerfile, platform: Platform): readonly Instruction[] {
  try {
    return resolveArchBlocks(dockerfile.body, platform).instructions;
  } catch (error) {
    if (error instanceof CompileError) return []; // an unknown architecture name, reported as such
    throw error;
  }
}

function targetView(input: LintInput, platform: Platform, memo: LintMemo): TargetView {
  const recorder = new StepRecorder();
  let compiled: CompiledTargetStages;
  try {
    compiled = compileStages(input.dockerfile, {
      target: platform,
      buildPlatform: input.buildPlatform,
      buildArgs: input.buildArgs,
      targetStage: input.targetStage,
      resolver: input.resolver,
      observer: recorder,
      vertices: recorder,
      memo: memo.compile,
    });
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return { platform, instructions: keptInstructions(input.dockerfile, platform), compiled: null, error, steps: [] };
  }
  const stages = new Map<number, CompiledStage>();
  for (const stage of compiled.stages) stages.set(stage.index, stage);
  const steps: Step[] = [];
  for (const { definition, command, declaredArgs, env, exec } of recorder.recorded) {
    const stage = stages.get(definition.index);
    if (stage !== undefined) steps.push({ definition, stage, command, declaredArgs, env, exec });
  }
  return { platform, instructions: compiled.setup.instructions, compiled, error: null, steps };
}

type CompiledView = TargetView & { readonly compiled: CompiledTargetStages };

const isCompiled = (view: TargetView): view is CompiledView => view.compiled !== null;

/**
 * Whether the targets of one operating system compile this file alike:
 * nothing in it tells them apart (no IFARCH or TAGARCH, no TARGET* variable,
 * no image metadata, which differs per platform), so they differ only in the
 * platform their unpinned stages run as. Four files in five are like that.
 */
function targetBlind(input: LintInput): boolean {
  return (
    input.resolver === undefined &&
    !input.source.includes("TARGET") &&
    !input.dockerfile.body.some((statement) => statement.kind === "ARCH_BLOCK" || statement.kind === "TAGARCH")
  );
}

/**
 * Another target's view of a target-blind file, from one compiled for a
 * target of the same operating system: the stages that ran as that target
 * (and the stages built on them) run as `platform`, and so do their RUN steps.
 */
function retarget(view: CompiledView, platform: Platform): TargetView {
  const compiled = view.compiled;
  const stages = new Map<number, CompiledStage>();
  for (const stage of compiled.stages) {
    // Stages come in index order, so a base stage is moved before the stages built on it.
    const moved = stage.platformSource === "target" ? platform : stage.base.kind === "stage" ? stages.get(stage.base.index)?.platform : undefined;
    stages.set(stage.index, moved === undefined || moved === stage.platform ? stage : { ...stage, platform: moved });
  }
  const at = (index: number): CompiledStage => stages.get(index) as CompiledStage;
  // Every moved stage runs as `platform` (a stage built on a moved one follows it).
  const name = formatPlatform(platform);
  const steps = view.steps.map((step): Step => {
    const stage = at(step.stage.index);
    if (stage === step.stage) return step;
    const exec = step.exec === null ? null : { ...step.exec, platform: name };
    return { definition: step.definition, stage, command: step.command, declaredArgs: step.declaredArgs, env: step.env, exec };
  });
  const retargeted: CompiledTargetStages = {
    ...compiled,
    requested: platform,
    platform,
    targetStage: at(compiled.targetStage.index),
    stages: compiled.stages.map((stage) => at(stage.index)),
    setup: { ...compiled.setup, platform },
  };
  return { platform, instructions: view.instructions, compiled: retargeted, error: null, steps };
}

export function analyze(input: LintInput, report: (report: Report) => void): LintContext {
  const memo = new LintMemo();
  const platforms = uniqueSorted(input.platforms);
  const blind = targetBlind(input);
  // For a target-blind file: the view compiled for each operating system.
  const compiledFor = new Map<string, CompiledView>();
  const targets = platforms.map((platform) => {
    const same = blind ? compiledFor.get(platform.os) : undefined;
    if (same !== undefined) return retarget(same, platform);
    const view = targetView(input, platform, memo);
    if (blind && isCompiled(view)) compiledFor.set(platform.os, view);
    return view;
  });
  const instructions = instructionsOf(input.dockerfile.body);
  // Spelled out: spreading the input was a slow generic copy on every file.
  return {
    file: input.file,
    source: input.source,
    dockerfile: input.dockerfile,
    platforms,
    buildPlatform: input.buildPlatform,
    workers: input.workers,
    buildArgs: input.buildArgs,
    targetStage: input.targetStage,
    resolver: input.resolver,
    dockerignore: input.dockerignore,
    instructions,
    written: new Set(instructions),
    targets,
    memo,
    report,
  };
}

/** `linux/arm64` and friends, for messages. */
export function platformList(platforms: readonly Platform[]): string {
  return platforms.map(formatPlatform).join(", ");
}
