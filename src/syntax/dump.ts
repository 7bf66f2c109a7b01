/**
 * BuildKit's AST dump (`Node.Dump`), the format of its parser test data:
 * one `(keyword ["--flags"] "arg" …)` line per instruction, keyword in lower
 * case, every value quoted as Go's `strconv.Quote` does.
 *
 * dfc's IFARCH family dumps its architecture names (BuildKit, which does not
 * know these keywords, would dump an empty argument).
 */
import { instructionsOf, type CommandForm, type Dockerfile, type Flag, type Instruction } from "./ast.js";
import { goQuote } from "./go-quote.js";
import { trimGoSpace } from "../../grammar/chars.js";

export function dumpBuildkit(dockerfile: Dockerfile): string {
  return instructionsOf(dockerfile.body).map((instruction) => `(${trimGoSpace(dumpInstruction(instruction))})\n`).join("");
}

/** BuildKit trims each dump (an instruction whose keyword is empty dumps as `("")`). */

/** The text of a flag as BuildKit reports it. */
export function flagText(flag: Flag): string {
  return flag.value === null ? `--${flag.name}` : `--${flag.name}=${flag.value}`;
}

function dumpInstruction(instruction: Instruction): string {
  let out = instruction.keyword.value.toLowerCase();
  if (instruction.flags.length > 0) out += ` [${instruction.flags.map((flag) => goQuote(flagText(flag))).join(" ")}]`;
  if (instruction.kind === "ONBUILD") {
    return instruction.trigger === null ? out : `${out} (${trimGoSpace(dumpInstruction(instruction.trigger))})`;
  }
  for (const value of dumpValues(instruction)) out += ` ${goQuote(value)}`;
  return out;
}

function commandValues(command: CommandForm): string[] {
  switch (command.form) {
    case "exec":
      return command.args.map((arg) => arg.value);
    case "shell":
      return [command.script.value];
    case "none":
      return [];
  }
}

/** The values BuildKit keeps in the node's `Next` chain. */
function dumpValues(instruction: Exclude<Instruction, { kind: "ONBUILD" }>): string[] {
  switch (instruction.kind) {
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
    case "SHELL":
      return commandValues(instruction.command);
    case "HEALTHCHECK":
      return instruction.type === null ? [] : [instruction.type.value, ...commandValues(instruction.command)];
    case "ADD":
    case "COPY":
    case "VOLUME":
    case "FROM":
    case "EXPOSE":
      return instruction.args.map((arg) => arg.value);
    case "ARG":
      return instruction.args.map((arg) => (arg.value === null ? arg.name : `${arg.name}=${arg.value}`));
    case "ENV":
    case "LABEL":
      return instruction.pairs.flatMap((pair) => [pair.key.value, pair.value.value, instruction.legacy ? "" : "="]);
    case "MAINTAINER":
    case "USER":
    case "WORKDIR":
    case "STOPSIGNAL":
      return instruction.text === null ? [] : [instruction.text.value];
    case "IFARCH":
    case "TAGARCH":
      return instruction.archs.map((arch) => (arch.negated ? `!${arch.name}` : arch.name));
    case "ENDIFARCH":
      return [];
    case "UNKNOWN":
      return [""];
  }
}
