/**
 * IFARCH blocks: turns the flat instruction list into statements, with each
 * `IFARCH … ENDIFARCH` as one block. Blocks nest and may wrap anything,
 * whole stages included. A block left open, a stray ENDIFARCH and a TAGARCH
 * outside every block are syntax errors that point at both ends.
 */
import type { ArchBlock, EndIfArchInstruction, IfArchInstruction, Instruction, Statement } from "./ast.js";
import { DockerfileSyntaxError } from "./errors.js";
import type { Range } from "./position.js";

/** Deeper nesting is surely a mistake, and would strain every recursive walk of the tree. */
const MAX_BLOCK_DEPTH = 64;

interface OpenBlock {
  readonly open: IfArchInstruction;
  readonly body: Statement[];
}

export function groupArchBlocks(instructions: readonly Instruction[], endOfFile: Range): Statement[] {
  const root: Statement[] = [];
  const stack: OpenBlock[] = [];
  let lastClose: EndIfArchInstruction | undefined;
  const current = (): Statement[] => stack[stack.length - 1]?.body ?? root;
  for (const instruction of instructions) {
    switch (instruction.kind) {
      case "IFARCH":
        if (stack.length === MAX_BLOCK_DEPTH) {
          throw new DockerfileSyntaxError(`IFARCH blocks nested more than ${MAX_BLOCK_DEPTH} deep`, instruction.range);
        }
        stack.push({ open: instruction, body: [] });
        break;
      case "ENDIFARCH": {
        const block = stack.pop();
        if (block === undefined) {
          throw new DockerfileSyntaxError(
            "ENDIFARCH without a matching IFARCH",
            instruction.range,
            lastClose === undefined ? [] : [{ message: "the last IFARCH block was closed here", range: lastClose.range }],
          );
        }
        current().push(closeBlock(block, instruction));
        lastClose = instruction;
        break;
      }
      case "TAGARCH":
        if (stack.length === 0) {
          throw new DockerfileSyntaxError(
            "TAGARCH outside an IFARCH block: it declares which architectures the block's build is published for",
            instruction.range,
            lastClose === undefined ? [] : [{ message: "the last IFARCH block ended here", range: lastClose.range }],
          );
        }
        current().push(instruction);
        break;
      default:
        current().push(instruction);
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed !== undefined) {
    throw new DockerfileSyntaxError("IFARCH without a matching ENDIFARCH", unclosed.open.range, [
      { message: "the file ends here, with the block still open", range: endOfFile },
    ]);
  }
  return root;
}

function closeBlock(block: OpenBlock, close: EndIfArchInstruction): ArchBlock {
  return {
    kind: "ARCH_BLOCK",
    open: block.open,
    body: block.body,
    close,
    range: { start: block.open.range.start, end: close.range.end },
  };
}
