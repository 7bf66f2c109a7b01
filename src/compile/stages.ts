/**
 * Splitting a target's instructions into global ARGs and build stages, as
 * BuildKit's instructions.Parse does: ARGs before the first FROM are global;
 * anything else before it is an error; each FROM opens a stage.
 */
import type { Instruction } from "../syntax/ast.js";
import { START_OF_FILE, type Range } from "../syntax/position.js";
import { CompileError } from "./errors.js";
import { CompileMemo } from "./memo.js";
import { toCommand, type ArgCommand, type Command, type FromCommand } from "./instructions/index.js";

export interface StageDefinition {
  readonly index: number;
  /** Lower-cased `AS` name, or null. */
  readonly name: string | null;
  readonly from: FromCommand;
  readonly commands: readonly Command[];
  readonly location: Range;
}

export interface StagedDockerfile {
  readonly globalArgs: readonly ArgCommand[];
  readonly stages: readonly StageDefinition[];
}

/**
 * Commands depend only on their instruction (and the file's escape
 * character), not on the target: the targets of one file share the memo's
 * conversions. Instructions are immutable.
 */
function commandOf(instruction: Instruction, escape: "\\" | "`", memo: CompileMemo): Command {
  let command = memo.commands.get(instruction);
  if (command === undefined) {
    command = toCommand(instruction, { escape });
    memo.commands.set(instruction, command);
  }
  return command;
}

export function splitStages(instructions: readonly Instruction[], escape: "\\" | "`", memo: CompileMemo = new CompileMemo()): StagedDockerfile {
  const globalArgs: ArgCommand[] = [];
  const stages: StageDefinition[] = [];
  let current: { from: FromCommand; commands: Command[] } | null = null;
  const close = (): void => {
    if (current === null) return;
    stages.push({
      index: stages.length,
      name: current.from.stageName?.value ?? null,
      from: current.from,
      commands: current.commands,
      location: current.from.source.range,
    });
  };
  for (const instruction of instructions) {
    const command = commandOf(instruction, escape, memo);
    if (command.kind === "FROM") {
      close();
      current = { from: command, commands: [] };
    } else if (current !== null) {
      current.commands.push(command);
    } else if (command.kind === "ARG") {
      globalArgs.push(command);
    } else {
      throw new CompileError(`${instruction.keyword.value.toUpperCase()} before the first FROM: no build stage in current context`, instruction.range);
    }
  }
  close();
  if (stages.length === 0) {
    const last = instructions[instructions.length - 1];
    throw new CompileError("the Dockerfile has no FROM: no build stage", last?.range ?? START_OF_FILE);
  }
  return { globalArgs, stages };
}

/**
 * The stage a `FROM`/`--from` names: by name (case-insensitive) or, where
 * allowed, by index; only stages before index `before` count (all by
 * default). With duplicate names the last one wins, as in BuildKit's name
 * table. `stages` is in index order: all definitions, or a subset such as
 * the stages compiled for one target.
 */
export function findStage<S extends { readonly index: number; readonly name: string | null }>(
  stages: readonly S[],
  reference: string,
  allowIndex: boolean,
  before = Number.POSITIVE_INFINITY,
): S | undefined {
  const lower = reference.toLowerCase();
  // A stage's position is at most its index, so every stage before `before` sits below this position.
  for (let position = Math.min(before, stages.length) - 1; position >= 0; position--) {
    const stage = stages[position] as S;
    if (stage.index < before && stage.name === lower) return stage;
  }
  if (!allowIndex || !/^[0-9]+$/.test(reference)) return undefined;
  const index = Number(reference);
  return stages[index]?.index === index ? stages[index] : stages.find((stage) => stage.index === index);
}

/** How a stage is shown and referred to: its name, or `stage-N` (BuildKit's label for an unnamed stage). */
export function stageLabel(stage: Pick<StageDefinition, "index" | "name">): string {
  return stage.name ?? `stage-${stage.index}`;
}
