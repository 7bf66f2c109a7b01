import { SourceError } from "../../syntax/errors.js";

/**
 * An instruction that parses but is not a valid command: wrong argument
 * count, unknown or malformed flag, bad `--mount` option, …. The messages are
 * BuildKit's (frontend/dockerfile/instructions), so users see the wording
 * `docker build` would print; the range points at the offending flag or
 * argument when there is one, else at the whole instruction.
 */
export class InstructionError extends SourceError {
  override readonly name = "InstructionError";
}

// BuildKit's shared argument-count messages (parse.go `errAtLeastOneArgument` and friends).

export const atLeastOneArgument = (keyword: string): string => `${keyword} requires at least one argument`;

export const exactlyOneArgument = (keyword: string): string => `${keyword} requires exactly one argument`;

export const blankNames = (keyword: string): string => `${keyword} names can not be blank`;
