/**
 * `toCommand`: one parsed instruction in, one typed command out (BuildKit's
 * `ParseInstruction`), or an InstructionError that says where and why.
 */
import type { EscapeChar, Instruction, OnbuildInstruction, UnknownInstruction } from "../../syntax/ast.js";
import type { Command, OnbuildCommand, ToCommandOptions } from "./commands.js";
import {
  argCommand,
  cmdCommand,
  entrypointCommand,
  exposeCommand,
  keyValueCommand,
  maintainerCommand,
  shellCommand,
  stopSignalCommand,
  userCommand,
  volumeCommand,
  workdirCommand,
} from "./config.js";
import { addCommand, copyCommand } from "./copy.js";
import { atLeastOneArgument, InstructionError } from "./errors.js";
import { NO_FLAGS } from "./flags.js";
import { fromCommand } from "./from.js";
import { healthcheckCommand } from "./healthcheck.js";
import { runCommand } from "./run.js";
import { withSuggestion } from "./suggest.js";

/**
 * Converts an instruction to a command. Throws InstructionError for a user
 * mistake; throws a plain Error for IFARCH, ENDIFARCH and TAGARCH, which are
 * block structure the caller resolves before this layer.
 */
export function toCommand(instruction: Instruction, options: ToCommandOptions = {}): Command {
  return convert(instruction, options.escape ?? "\\");
}

function convert(instruction: Instruction, escape: EscapeChar): Command {
  switch (instruction.kind) {
    case "FROM":
      return fromCommand(instruction);
    case "RUN":
      return runCommand(instruction, escape);
    case "CMD":
      return cmdCommand(instruction);
    case "ENTRYPOINT":
      return entrypointCommand(instruction);
    case "SHELL":
      return shellCommand(instruction);
    case "HEALTHCHECK":
      return healthcheckCommand(instruction);
    case "COPY":
      return copyCommand(instruction, escape);
    case "ADD":
      return addCommand(instruction, escape);
    case "ENV":
    case "LABEL":
      return keyValueCommand(instruction);
    case "ARG":
      return argCommand(instruction);
    case "WORKDIR":
      return workdirCommand(instruction);
    case "USER":
      return userCommand(instruction);
    case "STOPSIGNAL":
      return stopSignalCommand(instruction);
    case "MAINTAINER":
      return maintainerCommand(instruction);
    case "VOLUME":
      return volumeCommand(instruction);
    case "EXPOSE":
      return exposeCommand(instruction);
    case "ONBUILD":
      return onbuildCommand(instruction);
    case "UNKNOWN":
      throw unknownInstruction(instruction);
    case "IFARCH":
    case "ENDIFARCH":
    case "TAGARCH":
      throw new Error(`${instruction.kind} is block structure, not a command: resolve IFARCH blocks before converting instructions`);
  }
}

/** Go's `(?i)^\s*ONBUILD\s*`, which BuildKit strips from the original text to store the trigger. */
const ONBUILD_PREFIX = /^[\t\n\f\r ]*ONBUILD[\t\n\f\r ]*/i;

/**
 * ONBUILD. Like BuildKit, only the trigger's keyword is checked here; the
 * trigger itself is parsed when a child image builds on this one (and the
 * compiler reports its errors there), so `ONBUILD COPY a` is accepted.
 */
function onbuildCommand(source: OnbuildInstruction): OnbuildCommand {
  const trigger = source.trigger;
  if (trigger === null) throw new InstructionError(atLeastOneArgument("ONBUILD"), source.range);
  NO_FLAGS.parse(source.flags);
  switch (trigger.kind) {
    case "ONBUILD":
      throw new InstructionError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", trigger.keyword.range);
    case "FROM":
    case "MAINTAINER":
      throw new InstructionError(`${trigger.kind} isn't allowed as an ONBUILD trigger`, trigger.keyword.range);
  }
  let expression = source.original.replace(ONBUILD_PREFIX, "");
  if (trigger.kind === "RUN" || trigger.kind === "COPY" || trigger.kind === "ADD") {
    for (const heredoc of trigger.heredocs) expression += `\n${heredoc.content}${heredoc.name}`;
  }
  return { kind: "ONBUILD", source, expression };
}

/** The keywords BuildKit suggests from when it does not know one. */
const INSTRUCTION_NAMES = [
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
  "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
];

function unknownInstruction(source: UnknownInstruction): InstructionError {
  const keyword = source.keyword.value;
  return new InstructionError(withSuggestion(`unknown instruction: ${keyword}`, keyword, INSTRUCTION_NAMES, false), source.keyword.range);
}
