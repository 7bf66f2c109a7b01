/**
 * BuildKit's BFlags (instructions/bflag.go): each instruction declares the
 * flags it accepts, then the flags written on the line are checked against
 * that declaration. A flag is
 * - `string`: needs `=value` (an empty value is allowed), may appear once;
 * - `bool`: bare `--link` means true, else `=true`/`=false` in any case;
 * - `strings`: needs `=value`, may repeat (`--mount`, `--exclude`).
 * Values are the flag text after the first `=`, quotes already removed by
 * the parser and nothing expanded.
 */
import type { Flag, Range } from "../../syntax/ast.js";
import { InstructionError } from "./errors.js";
import { withSuggestion } from "./suggest.js";

export type FlagKind = "string" | "bool" | "strings";

/** A value given on the command line, with the range of the whole flag (`--name=value`). */
export interface FlagValue<T> {
  readonly value: T;
  readonly range: Range;
}

/** What parsing yields per declared flag: `null` for a flag that was not written, every value of a repeatable one. */
export type ParsedFlags<D extends Readonly<Record<string, FlagKind>>> = {
  readonly [Name in keyof D]: D[Name] extends "strings"
    ? readonly FlagValue<string>[]
    : D[Name] extends "bool"
      ? FlagValue<boolean> | null
      : FlagValue<string> | null;
};

/** The flags one instruction accepts; declare once per module, parse per instruction. */
export class FlagDeclarations<const D extends Readonly<Record<string, FlagKind>>> {
  /** Declaration order, used for "did you mean" hints. */
  private readonly names: readonly string[];
  private readonly kinds: ReadonlyMap<string, FlagKind>;
  /** The result for an instruction written without flags (most are): one frozen object for all. */
  private readonly none: ParsedFlags<D>;

  constructor(declarations: D) {
    this.names = Object.keys(declarations);
    this.kinds = new Map(Object.entries(declarations));
    this.none = Object.freeze(Object.fromEntries(this.names.map((name) => [name, declarations[name] === "strings" ? Object.freeze([]) : null]))) as ParsedFlags<D>;
  }

  /** Checks `flags` against the declarations; throws InstructionError at the first bad flag. */
  parse(flags: readonly Flag[]): ParsedFlags<D> {
    if (flags.length === 0) return this.none;
    const result: Record<string, unknown> = {};
    for (const [name, kind] of this.kinds) result[name] = kind === "strings" ? [] : null;
    for (const flag of flags) {
      const written = `--${flag.name}`;
      const kind = this.kinds.get(flag.name);
      if (kind === undefined) {
        throw new InstructionError(withSuggestion(`unknown flag: ${written}`, flag.name, this.names, true), flag.range);
      }
      // Only a repeatable flag starts as a list; any other holds null until it is written.
      const previous = result[flag.name];
      if (previous !== null && !Array.isArray(previous)) throw new InstructionError(`duplicate flag specified: ${written}`, flag.range);
      const value = { value: kind === "bool" ? booleanValue(flag, written) : requireValue(flag, written), range: flag.range };
      if (Array.isArray(previous)) previous.push(value);
      else result[flag.name] = value;
    }
    return result as ParsedFlags<D>;
  }
}

function requireValue(flag: Flag, written: string): string {
  if (flag.value === null) throw new InstructionError(`missing a value on flag: ${written}`, flag.range);
  return flag.value;
}

function booleanValue(flag: Flag, written: string): boolean {
  // `--link` alone is true; `--link=` is a missing value, not an empty one.
  if (flag.value === null) return true;
  if (flag.value === "") throw new InstructionError(`missing a value on flag: ${written}`, flag.range);
  switch (flag.value.toLowerCase()) {
    case "true":
      return true;
    case "false":
      return false;
    default:
      throw new InstructionError(`expecting boolean value for flag ${written}, not: ${flag.value}`, flag.range);
  }
}

/** For instructions that accept no flags: any flag is unknown. */
export const NO_FLAGS = new FlagDeclarations({});
