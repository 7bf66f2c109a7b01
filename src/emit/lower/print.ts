/**
 * Printing a lowered Dockerfile: the stages as chunks separated by blank
 * lines, alias stages made from scratch, and the comments that lowering
 * moves or adds.
 */
import type { Dockerfile, Instruction, Statement, WordsInstruction } from "../../syntax/ast.js";
import { printBody, printDockerfile } from "../../syntax/printer.js";
import type { AliasStage } from "./layout.js";

/** Alias stages, `FROM <base> [AS <name>]`: they have no source line, so they borrow the range of the stage they stand for. */
export function aliases(list: readonly AliasStage[]): Instruction[] {
  return list.map((alias): WordsInstruction => {
    const word = (value: string) => ({ value, range: alias.range });
    const args = alias.name === null ? [word(alias.base)] : [word(alias.base), word("AS"), word(alias.name)];
    const original = `FROM ${args.map((arg) => arg.value).join(" ")}`;
    return { kind: "FROM", keyword: word("FROM"), flags: [], args, range: alias.range, comments: [], original };
  });
}

/** `comments` above the first instruction of `list`, before that instruction's own. */
export function withComments(list: readonly Instruction[], comments: readonly string[]): Instruction[] {
  const [head, ...rest] = list;
  if (head === undefined) return [];
  return [{ ...head, comments: [...comments, ...head.comments] }, ...rest];
}

/** Each chunk is a stage (or a run of alias stages), printed with a blank line before the next. */
export function printChunks(dockerfile: Dockerfile, chunks: readonly Instruction[][]): string {
  const head = dockerfile.directives.length > 0 || dockerfile.escape !== "\\" ? printDockerfile({ ...dockerfile, body: [] }) : "";
  return head + chunks.map(printBody).join("\n");
}

/**
 * IFARCH lines are not printed, but the comments above them often explain
 * the block: they move to the first instruction printed from it. (Comments
 * above ENDIFARCH and TAGARCH are dropped with their lines.)
 */
export function carryBlockComments(statements: readonly Statement[]): Statement[] {
  return statements.map((statement) => {
    if (statement.kind !== "ARCH_BLOCK") return statement;
    const body = carryBlockComments(statement.body);
    return { ...statement, body: statement.open.comments.length === 0 ? body : (withLeadingComments(body, statement.open.comments) ?? body) };
  });
}

/** `statements` with `comments` above its first instruction (inside blocks too), or null when it has none. */
function withLeadingComments(statements: readonly Statement[], comments: readonly string[]): Statement[] | null {
  for (const [index, statement] of statements.entries()) {
    let replaced: Statement | null = null;
    if (statement.kind === "ARCH_BLOCK") {
      const body = withLeadingComments(statement.body, comments);
      if (body !== null) replaced = { ...statement, body };
    } else if (statement.kind !== "TAGARCH") {
      replaced = { ...statement, comments: [...comments, ...statement.comments] };
    }
    if (replaced !== null) return [...statements.slice(0, index), replaced, ...statements.slice(index + 1)];
  }
  return null;
}
