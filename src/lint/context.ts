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
import type { CompiledStage } from "../compile/target.js";
import type { VertexSink } from "../graph/graph.js";
import type { Digest, ExecContent, VertexContent } from "../graph/ir.js";
import { uniqueSorted } from "../plan/plan.js";
import { formatPlatform, type Platform } from "../platform/index.js";
import { instructionsOf, type Dockerfile, type Instruction } from "../syntax/ast.js";
import { SourceError } from "../syntax/errors.js";
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
  private snapshot: Snapshot | undefined;
  /** Whether the last command recorded changes the declared ARGs or the environment (ARG, ENV). */
  private changing = false;

  command(definition: StageDefinition, command: Command, state: { declaredArgs: ReadonlySet<string>; runEnv: ReadonlyMap<string, string> }): void {
    // Only ARG and ENV change what a step sees, so the steps between them share one copy.
    if (this.snapshot === undefined || this.snapshot.state !== state || this.changing) {
      this.snapshot = { state, declaredArgs: new Set(state.declaredArgs), env: new Map(state.runEnv) };
    }
    this.changing = command.kind === "ARG" || command.kind === "ENV";
    this.recorded.push({ definition, command, declaredArgs: this.snapshot.declaredArgs, env: this.snapshot.env, exec: null });
  }

  add(content: VertexContent): Digest {
    // The compiler dispatches a command right after showing it: an exec vertex belongs to the last one.
    const last = this.recorded[this.recorded.length - 1];
    if (content.kind === "exec" && last !== undefined && last.command.kind === "RUN") last.exec = content;
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

function targetView(input: LintInput, platform: Platform): TargetView {
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

export function analyze(input: LintInput, report: (report: Report) => void): LintContext {
  const platforms = uniqueSorted(input.platforms);
  const targets = platforms.map((platform) => targetView(input, platform));
  const instructions = instructionsOf(input.dockerfile.body);
  return { ...input, platforms, instructions, written: new Set(instructions), targets, report };
}

/** `linux/arm64` and friends, for messages. */
export function platformList(platforms: readonly Platform[]): string {
  return platforms.map(formatPlatform).join(", ");
}
