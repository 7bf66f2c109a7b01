/**
 * Small helpers shared by the syntax behaviour tests (not a test file itself).
 */
import {
  DockerfileSyntaxError,
  dumpBuildkit,
  instructionsOf,
  parseDockerfile,
  type Instruction,
  type InstructionKind,
  type Position,
  type Statement,
} from "../../src/syntax/index.js";

/** Joins lines with `\n`, each line terminated (as most Dockerfiles are). */
export function lines(...text: string[]): string {
  return text.map((line) => `${line}\n`).join("");
}

/** BuildKit's dump of a source text. */
export function dump(source: string): string {
  return dumpBuildkit(parseDockerfile(source));
}

/** The flat instruction list (IFARCH delimiters included). */
export function instructions(source: string): Instruction[] {
  return instructionsOf(parseDockerfile(source).body);
}

/** The element at `index`, failing the test when there is none. */
export function nth<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new Error(`expected an element at index ${index} (length ${list.length})`);
  return value;
}

/** Narrows an instruction (or statement) to one instruction kind, failing the test when it is another. */
export function as<K extends InstructionKind>(instruction: Statement | null | undefined, kind: K): Instruction & { kind: K } {
  if (instruction === null || instruction === undefined) throw new Error(`expected a ${kind} instruction, got ${String(instruction)}`);
  if (instruction.kind !== kind) throw new Error(`expected a ${kind} instruction, got ${instruction.kind}`);
  return instruction as Instruction & { kind: K };
}

/** The error a source fails with; fails the test when it parses, or throws anything else. */
export function syntaxError(source: string): DockerfileSyntaxError {
  try {
    parseDockerfile(source);
  } catch (error) {
    if (error instanceof DockerfileSyntaxError) return error;
    throw new Error(`expected a DockerfileSyntaxError, got ${String(error)}`, { cause: error });
  }
  throw new Error("expected a DockerfileSyntaxError, but the source parsed");
}

/** A position without its offset, for readable expectations. */
export function at(position: Position): [line: number, column: number] {
  return [position.line, position.column];
}

/** A range as `[[startLine, startColumn], [endLine, endColumn]]`. */
export function span(range: { start: Position; end: Position }): [[number, number], [number, number]] {
  return [at(range.start), at(range.end)];
}
