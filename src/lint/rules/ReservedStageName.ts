/**
 * ReservedStageName (BuildKit): a stage named `scratch` or `context`.
 *
 * Why: both words already mean something to the builder: `scratch` is the
 * empty base image and `context` the build context. A stage with either name
 * makes `FROM scratch`, `--from=context` and the like ambiguous to readers
 * and to tools, whichever one BuildKit happens to pick.
 */
import { goQuote } from "../../syntax/go-quote.js";
import type { Rule } from "../rule.js";
import { isAsKeyword } from "../../compile/instructions/from.js";

const RESERVED: Readonly<Record<string, string>> = {
  scratch: "the empty base image",
  context: "the build context",
};

export const rule: Rule = {
  name: "ReservedStageName",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Reserved words (scratch, context) should not be used as stage names.",
  check(context) {
    for (const instruction of context.instructions) {
      if (instruction.kind !== "FROM" || instruction.args.length !== 3) continue;
      const [, as, name] = instruction.args;
      if (as === undefined || name === undefined || !isAsKeyword(as.value)) continue;
      // Stage names are case-insensitive: BuildKit compares the lower-cased name.
      const lower = name.value.toLowerCase();
      const meaning = Object.hasOwn(RESERVED, lower) ? RESERVED[lower] : undefined;
      if (meaning === undefined) continue;
      context.report({
        range: name.range,
        message: `Stage name should not use the same name as reserved stage ${goQuote(lower)}: rename the stage, since '${lower}' already means ${meaning}`,
      });
    }
  },
};
