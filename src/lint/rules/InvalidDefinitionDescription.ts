/**
 * InvalidDefinitionDescription (BuildKit, experimental): the comment right
 * above an ARG or a named FROM does not start with the name it precedes.
 *
 * Why: `docker build --call=outline` and `--call=targets` show such a
 * comment as the description of the build argument or target, but only when
 * it has the form `# <name> <description>`; any other comment there is taken
 * for a description that does not follow the convention. BuildKit looks at
 * the last comment line before the instruction (blank lines do not
 * interrupt it; an empty `#` line does), and the text up to its first space.
 */
import { toCommand } from "../../compile/instructions/index.js";
import type { Instruction } from "../../syntax/ast.js";
import { SourceError } from "../../syntax/errors.js";
import type { Rule } from "../rule.js";
import { commentAbove } from "./support-semantics.js";

/** What a description comment above the instruction would describe: ARG names, or the stage name. */
function definedNames(instruction: Instruction, escape: "\\" | "`"): { readonly keyword: "ARG" | "FROM"; readonly names: readonly string[] } | null {
  if (instruction.kind === "ARG") return { keyword: "ARG", names: instruction.args.map((arg) => arg.name) };
  if (instruction.kind !== "FROM") return null;
  try {
    const command = toCommand(instruction, { escape });
    return command.kind === "FROM" && command.stageName !== null ? { keyword: "FROM", names: [command.stageName.value] } : null;
  } catch (error) {
    // An invalid FROM is a compile error, reported as such.
    if (error instanceof SourceError) return null;
    throw error;
  }
}

export const InvalidDefinitionDescription: Rule = {
  name: "InvalidDefinitionDescription",
  origin: "buildkit",
  severity: "warning",
  experimental: true,
  description:
    "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
  check(context) {
    for (const instruction of context.instructions) {
      const last = instruction.comments[instruction.comments.length - 1];
      if (last === undefined) continue;
      const defined = definedNames(instruction, context.dockerfile.escape);
      if (defined === null || defined.names.length === 0) continue;
      const first = last.split(" ")[0] ?? "";
      if (defined.names.includes(first)) continue;
      const example = defined.names.length > 1 ? "<arg_key>" : (defined.names[0] ?? "");
      context.report({
        range: commentAbove(context, instruction) ?? instruction.keyword.range,
        message: `Comment for ${defined.keyword} should follow the format: \`# ${example} <description>\`; start the comment with the name, or put an empty "#" line between it and the ${defined.keyword} if it is not a description`,
      });
    }
  },
};
