/** FROM (BuildKit's `parseFrom` and `parseBuildStageName`). */
import type { WordsInstruction } from "../../syntax/ast.js";
import { goQuote } from "../../syntax/go-quote.js";
import type { FromCommand } from "./commands.js";
import { InstructionError } from "./errors.js";
import { FlagDeclarations } from "./flags.js";

const FROM_FLAGS = new FlagDeclarations({ platform: "string" });

/** `AS` in any case; Go's `strings.EqualFold` also folds the long s (ſ) to `s`. */
const AS_KEYWORD = /^[aA][sSſ]$/;

/** Whether a FROM argument is the `AS` keyword, as BuildKit compares it (the linter's stage-name rules ask too). */
export function isAsKeyword(word: string): boolean {
  return AS_KEYWORD.test(word);
}
/** BuildKit's rule for a lower-cased stage name. */
const VALID_STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;

/** Whether a lower-cased name is one BuildKit accepts for a stage. */
export function isValidStageName(name: string): boolean {
  return VALID_STAGE_NAME.test(name);
}

export function fromCommand(source: WordsInstruction): FromCommand {
  const [image, as, name] = source.args;
  // BuildKit checks the arguments before the flags.
  if (image === undefined || (source.args.length !== 1 && (source.args.length !== 3 || !isAsKeyword(as?.value ?? "")))) {
    throw new InstructionError("FROM requires either one or three arguments", source.range);
  }
  let stageName: FromCommand["stageName"] = null;
  if (name !== undefined) {
    const lower = name.value.toLowerCase();
    if (!isValidStageName(lower)) {
      throw new InstructionError(`invalid name for build stage: ${goQuote(name.value)}, name can't start with a number or contain symbols`, name.range);
    }
    stageName = { value: lower, range: name.range };
  }
  const flags = FROM_FLAGS.parse(source.flags);
  return { kind: "FROM", source, image, stageName, platform: flags.platform };
}
