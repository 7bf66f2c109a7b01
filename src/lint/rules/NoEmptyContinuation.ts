/**
 * NoEmptyContinuation (BuildKit): a blank line inside an instruction that is
 * continued over several lines with the escape character (`\`, or `` ` ``
 * under `# escape=``).
 *
 * Why: BuildKit skips such lines today but has announced that they will
 * become an error; a blank line in the middle of a `RUN … \` chain also
 * usually means a line was deleted by mistake. The parser finds them (its
 * warnings); this rule points at the first blank line of each instruction.
 */
import type { Instruction } from "../../syntax/ast.js";
import type { Rule } from "../rule.js";
import { sourceView } from "./support-scripts.js";

/** Go's white space, which is what the parser treats as a blank line. */
const BLANK = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** The first line of the instruction's heredoc bodies; the continued text ends before it. */
function heredocStart(instruction: Instruction | undefined): number | undefined {
  const target = instruction?.kind === "ONBUILD" ? instruction.trigger : instruction;
  if (target === null || target === undefined) return undefined;
  if (target.kind !== "RUN" && target.kind !== "COPY" && target.kind !== "ADD") return undefined;
  return target.heredocs[0]?.range.start.line;
}

function listLines(lines: readonly number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  return `lines ${lines.slice(0, -1).join(", ")} and ${lines[lines.length - 1]}`;
}

export const rule: Rule = {
  name: "NoEmptyContinuation",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Empty continuation lines will become errors in a future BuildKit release.",
  check(context) {
    const { text, locator } = sourceView(context);
    for (const warning of context.dockerfile.warnings) {
      if (warning.rule !== "NoEmptyContinuation") continue;
      const instruction = context.instructions.find((candidate) => candidate.range.start.offset === warning.range.start.offset);
      const last = Math.min(warning.range.end.line, (heredocStart(instruction) ?? Infinity) - 1);
      const blank: number[] = [];
      for (let line = warning.range.start.line + 1; line <= last; line++) {
        if (BLANK.test(locator.lineText(line, text))) blank.push(line);
      }
      const keyword = instruction?.keyword.value.toUpperCase() ?? "instruction";
      const [first, ...others] = blank;
      const also = others.length === 0 ? "" : ` (also ${listLines(others)})`;
      context.report({
        range: first === undefined ? warning.range : locator.lineRange(first, text),
        message: `Empty continuation line${also}: delete the blank line${others.length === 0 ? "" : "s"} inside this continued ${keyword} (a comment line may stay); BuildKit will reject them in a future release`,
      });
    }
  },
};
