/**
 * What rules look at: the file, its syntax tree, and for every requested
 * target platform the compiled stages with each dispatched command and the
 * stage state before it (which ARGs are declared, the environment), plus the
 * multi-target plan. Built once per file; rules only read it.
 */
import { compileTarget, type CompiledTargetGraph, type CompileObserver } from "../compile/compile.js";
import { CompileError } from "../compile/errors.js";
import { resolveArchBlocks } from "../compile/ifarch.js";
import type { ImageResolver } from "../compile/image-config.js";
import type { Command } from "../compile/instructions/index.js";
import type { StageDefinition } from "../compile/stages.js";
import type { CompiledStage } from "../compile/target.js";
import { BuildGraph } from "../graph/graph.js";
import { planCompiled, uniqueSorted, type Plan } from "../plan/plan.js";
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
  readonly compiled: CompiledTargetGraph | null;
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
  readonly targets: readonly TargetView[];
  /** The plan for all requested platforms; null when some target does not compile. */
  readonly plan: Plan | null;
  report(report: Report): void;
}

interface Snapshot {
  readonly state: object;
  readonly declaredArgs: ReadonlySet<string>;
  readonly env: ReadonlyMap<string, string>;
}

class StepRecorder implements CompileObserver {
  readonly pending: { definition: StageDefinition; command: Command; declaredArgs: ReadonlySet<string>; env: ReadonlyMap<string, string> }[] = [];
  private snapshot: Snapshot | undefined;
  /** Whether the last command recorded changes the declared ARGs or the environment (ARG, ENV). */
  private changing = false;

  command(definition: StageDefinition, command: Command, state: { declaredArgs: ReadonlySet<string>; runEnv: ReadonlyMap<string, string> }): void {
    // Only ARG and ENV change what a step sees, so the steps between them share one copy.
    if (this.snapshot === undefined || this.snapshot.state !== state || this.changing) {
      this.snapshot = { state, declaredArgs: new Set(state.declaredArgs), env: new Map(state.runEnv) };
    }
    this.changing = command.kind === "ARG" || command.kind === "ENV";
    this.pending.push({ definition, command, declaredArgs: this.snapshot.declaredArgs, env: this.snapshot.env });
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

function targetView(input: LintInput, platform: Platform, graph: BuildGraph): TargetView {
  const recorder = new StepRecorder();
  try {
    const compiled = compileTarget(input.dockerfile, { ...input, target: platform, graph, observer: recorder });
    const stages = new Map(compiled.stages.map((stage) => [stage.index, stage]));
    const steps = recorder.pending.flatMap((step) => {
      const stage = stages.get(step.definition.index);
      return stage === undefined ? [] : [{ ...step, stage }];
    });
    return { platform, instructions: keptInstructions(input.dockerfile, compiled.platform), compiled, error: null, steps };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return { platform, instructions: keptInstructions(input.dockerfile, platform), compiled: null, error, steps: [] };
  }
}

export function analyze(input: LintInput, report: (report: Report) => void): LintContext {
  // One graph for all targets, as the planner builds it, so the plan reuses this compile.
  const graph = new BuildGraph();
  const platforms = uniqueSorted(input.platforms);
  const targets = platforms.map((platform) => targetView(input, platform, graph));
  const compiled = targets.flatMap((target) => (target.compiled === null ? [] : [target.compiled]));
  const plan = compiled.length === targets.length ? planCompiled(compiled, graph, input) : null;
  return { ...input, platforms, instructions: instructionsOf(input.dockerfile.body), targets, plan, report };
}

/** `linux/arm64` and friends, for messages. */
export function platformList(platforms: readonly Platform[]): string {
  return platforms.map(formatPlatform).join(", ");
}
