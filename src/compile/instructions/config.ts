/**
 * The instructions that only record image configuration or build state:
 * ENV, LABEL, ARG, WORKDIR, USER, STOPSIGNAL, MAINTAINER, VOLUME, EXPOSE,
 * CMD, ENTRYPOINT and SHELL. Their checks are argument counts and, for most,
 * the absence of flags; the order of the checks is BuildKit's, so a line with
 * two mistakes reports the same one.
 */
import type { ArgInstruction, CommandInstruction, KeyValueInstruction, TextInstruction, VolumeInstruction, Word, WordsInstruction } from "../../syntax/ast.js";
import { trimmedBounds } from "../../syntax/words.js";
import type {
  ArgCommand,
  CmdCommand,
  EntrypointCommand,
  EnvCommand,
  ExposeCommand,
  LabelCommand,
  MaintainerCommand,
  ShellCommand,
  StopSignalCommand,
  UserCommand,
  VolumeCommand,
  WorkdirCommand,
} from "./commands.js";
import { atLeastOneArgument, blankNames, exactlyOneArgument, InstructionError } from "./errors.js";
import { NO_FLAGS } from "./flags.js";
import { compareGoStrings } from "./go.js";

/** ENV and LABEL: flags, then at least one pair, none with an empty name. */
export function keyValueCommand(source: KeyValueInstruction): EnvCommand | LabelCommand {
  NO_FLAGS.parse(source.flags);
  if (source.pairs.length === 0) throw new InstructionError(atLeastOneArgument(source.kind), source.range);
  const blank = source.pairs.find((pair) => pair.key.value === "");
  if (blank !== undefined) throw new InstructionError(blankNames(source.kind), blank.key.range);
  return source.kind === "ENV" ? { kind: "ENV", source, pairs: source.pairs } : { kind: "LABEL", source, pairs: source.pairs };
}

/** ARG: at least one declaration, none with an empty name. BuildKit never parses ARG's flags, so any are ignored. */
export function argCommand(source: ArgInstruction): ArgCommand {
  if (source.args.length === 0) throw new InstructionError(atLeastOneArgument("ARG"), source.range);
  const blank = source.args.find((declaration) => declaration.value !== null && declaration.name === "");
  if (blank !== undefined) throw new InstructionError(blankNames("ARG"), blank.range);
  return { kind: "ARG", source, args: source.args };
}

/** MAINTAINER, USER, WORKDIR and STOPSIGNAL take the rest of the line as one value. */
function requiredText(source: TextInstruction): Word {
  if (source.text === null) throw new InstructionError(exactlyOneArgument(source.kind), source.range);
  return source.text;
}

export function maintainerCommand(source: TextInstruction): MaintainerCommand {
  const maintainer = requiredText(source);
  NO_FLAGS.parse(source.flags);
  return { kind: "MAINTAINER", source, maintainer };
}

export function userCommand(source: TextInstruction): UserCommand {
  const user = requiredText(source);
  NO_FLAGS.parse(source.flags);
  return { kind: "USER", source, user };
}

export function workdirCommand(source: TextInstruction): WorkdirCommand {
  const path = requiredText(source);
  NO_FLAGS.parse(source.flags);
  return { kind: "WORKDIR", source, path };
}

/** BuildKit never parses STOPSIGNAL's flags, so any are ignored. */
export function stopSignalCommand(source: TextInstruction): StopSignalCommand {
  return { kind: "STOPSIGNAL", source, signal: requiredText(source) };
}

/** VOLUME: each path is trimmed (Go's `strings.TrimSpace`) and must not be empty, which only the JSON form can write. */
export function volumeCommand(source: VolumeInstruction): VolumeCommand {
  if (source.args.length === 0) throw new InstructionError(atLeastOneArgument("VOLUME"), source.range);
  NO_FLAGS.parse(source.flags);
  const volumes = source.args.map((word): Word => {
    const [start, end] = trimmedBounds(word.value);
    if (start === end) throw new InstructionError("VOLUME specified can not be an empty string", word.range);
    return start === 0 && end === word.value.length ? word : { value: word.value.slice(start, end), range: word.range };
  });
  return { kind: "VOLUME", source, volumes };
}

/** EXPOSE: BuildKit sorts the raw port specs. */
export function exposeCommand(source: WordsInstruction): ExposeCommand {
  if (source.args.length === 0) throw new InstructionError(atLeastOneArgument("EXPOSE"), source.range);
  NO_FLAGS.parse(source.flags);
  const ports = [...source.args].sort((a, b) => compareGoStrings(a.value, b.value));
  return { kind: "EXPOSE", source, ports };
}

/** CMD and ENTRYPOINT keep whatever form was written; only flags are rejected. */
export function cmdCommand(source: CommandInstruction): CmdCommand {
  NO_FLAGS.parse(source.flags);
  return { kind: "CMD", source, command: source.command };
}

export function entrypointCommand(source: CommandInstruction): EntrypointCommand {
  NO_FLAGS.parse(source.flags);
  return { kind: "ENTRYPOINT", source, command: source.command };
}

/** SHELL: a non-empty JSON array (the shell form would be ambiguous to split). */
export function shellCommand(source: CommandInstruction): ShellCommand {
  NO_FLAGS.parse(source.flags);
  const command = source.command;
  if (command.form === "none" || (command.form === "exec" && command.args.length === 0)) {
    throw new InstructionError(atLeastOneArgument("SHELL"), source.range);
  }
  if (command.form === "shell") throw new InstructionError("SHELL requires the arguments to be in JSON form", source.range);
  return { kind: "SHELL", source, shell: command.args };
}
