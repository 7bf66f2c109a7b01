/**
 * Some values BuildKit expands at dispatch (with the stage's build args and
 * environment) must also be checked: `--chmod`, and `--mount` options such
 * as `uid` or `mode`. A value that refers to no variable expands the same
 * way whatever the environment, so it can be checked now; one that does is
 * left for the dispatcher, which checks it once expanded.
 */
import type { EscapeChar, Range } from "../../syntax/ast.js";
import { processWord, ShellExpansionError } from "../../shell/index.js";
import { InstructionError } from "./errors.js";

const NO_VARIABLES: ReadonlyMap<string, string> = new Map();

/**
 * What `raw` will expand to (quotes and escapes removed), or `undefined` when
 * that depends on variables. Throws InstructionError for text the expansion
 * would reject (`${`), reported at `range`.
 */
export function literalValue(raw: string, escape: EscapeChar, range: Range): string | undefined {
  // Fast path: nothing for the lexer to interpret.
  if (!raw.includes("$") && !raw.includes("'") && !raw.includes('"') && !raw.includes(escape)) return raw;
  try {
    const expansion = processWord(raw, NO_VARIABLES, { escape });
    return expansion.matched.size + expansion.unmatched.size === 0 ? expansion.result : undefined;
  } catch (error) {
    if (error instanceof ShellExpansionError) throw new InstructionError(error.message, range);
    throw error;
  }
}
