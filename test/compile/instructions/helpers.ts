/** Shared helpers: parse a Dockerfile snippet and convert its last instruction. */
import { expect } from "vitest";
import { type Command, InstructionError, toCommand } from "../../../src/compile/instructions/index.js";
import { instructionsOf, parseDockerfile, type EscapeChar, type Instruction, type Range } from "../../../src/syntax/index.js";

function parseLast(text: string): { instruction: Instruction; escape: EscapeChar } {
  const dockerfile = parseDockerfile(text);
  const instruction = instructionsOf(dockerfile.body).at(-1);
  if (instruction === undefined) throw new Error("no instruction");
  return { instruction, escape: dockerfile.escape };
}

/** The last instruction of `text` (no FROM is needed: the layer converts one instruction at a time). */
export function lastInstruction(text: string): Instruction {
  return parseLast(text).instruction;
}

/** Converts the last instruction of `text`, with the file's escape character. */
export function convert(text: string): Command {
  const { instruction, escape } = parseLast(text);
  return toCommand(instruction, { escape });
}

/** Converts `text` and narrows the result to one command kind. */
export function convertAs<K extends Command["kind"]>(kind: K, text: string): Extract<Command, { kind: K }> {
  const command = convert(text);
  expect(command.kind).toBe(kind);
  return command as Extract<Command, { kind: K }>;
}

/** The InstructionError that converting `text` throws. */
export function errorOf(text: string): InstructionError {
  try {
    convert(text);
  } catch (error) {
    if (error instanceof InstructionError) return error;
    throw error;
  }
  throw new Error(`expected an InstructionError for ${JSON.stringify(text)}`);
}

/** The source text a range covers, for asserting where an error points. */
export function textAt(source: string, range: Range): string {
  return source.slice(range.start.offset, range.end.offset);
}
