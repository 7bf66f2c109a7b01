/**
 * Prints a syntax tree back as a Dockerfile, one instruction per line, that
 * parses to the same tree (source positions aside). Values are raw Dockerfile
 * text, so most of them print as they are; the printer only has to avoid
 * text that the parser would read differently (arguments that look like
 * flags, comments that look like parser directives).
 */
import { flagText } from "./dump.js";
import type { CommandForm, Dockerfile, Flag, Heredoc, Instruction, Statement } from "./ast.js";

export function printDockerfile(dockerfile: Dockerfile): string {
  const lines: string[] = dockerfile.directives.map((directive) => `# ${directive.name}=${directive.value}`);
  if (dockerfile.escape !== "\\" && !dockerfile.directives.some((directive) => directive.name === "escape")) {
    lines.unshift(`# escape=${dockerfile.escape}`);
  }
  // A blank line ends the directives, so a comment above the first
  // instruction cannot be taken for one.
  lines.push("");
  return `${lines.join("\n")}\n${printBody(dockerfile.body)}`;
}

/** Statements without the file's directives: a piece of a Dockerfile body. */
export function printBody(statements: readonly Statement[]): string {
  const lines: string[] = [];
  printStatements(statements, lines);
  return lines.map((line) => `${line}\n`).join("");
}

function printStatements(statements: readonly Statement[], lines: string[]): void {
  for (const statement of statements) {
    if (statement.kind === "ARCH_BLOCK") {
      printInstruction(statement.open, lines);
      printStatements(statement.body, lines);
      printInstruction(statement.close, lines);
    } else {
      printInstruction(statement, lines);
    }
  }
}

function printInstruction(instruction: Instruction, lines: string[]): void {
  for (const comment of instruction.comments) lines.push(`# ${comment}`);
  lines.push(instructionLine(instruction));
  for (const heredoc of heredocsOf(instruction)) lines.push(heredocText(heredoc));
}

/** An instruction on one line, without its heredoc bodies. */
export function instructionLine(instruction: Instruction): string {
  const flags = instruction.flags.map(printFlag);
  const args = argumentText(instruction);
  // Arguments that start with `--` would be read as flags; `--` ends the flags.
  const guard = args.startsWith("--") ? ["--"] : [];
  return [instruction.keyword.value, ...flags, ...guard, args].filter((part) => part !== "").join(" ");
}

function heredocsOf(instruction: Instruction): readonly Heredoc[] {
  const target = instruction.kind === "ONBUILD" && instruction.trigger !== null ? instruction.trigger : instruction;
  return target.kind === "RUN" || target.kind === "ADD" || target.kind === "COPY" ? target.heredocs : [];
}

function heredocText(heredoc: Heredoc): string {
  // The body keeps its own line endings; the terminator follows it.
  return heredoc.content + heredoc.name;
}

/**
 * A flag written so that BuildKit's flag reader returns the same text. The
 * reader only takes words whose first two characters are `--`, so quoting
 * starts after them.
 */
function printFlag(flag: Flag): string {
  const body = flagText(flag).slice(2);
  if (!/[\s"'\\]/.test(body)) return `--${body}`;
  return `--"${body.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

function commandText(command: CommandForm): string {
  switch (command.form) {
    case "exec":
      return JSON.stringify(command.args.map((arg) => arg.value));
    case "shell":
      return command.script.value;
    case "none":
      return "";
  }
}

function argumentText(instruction: Instruction): string {
  switch (instruction.kind) {
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
    case "SHELL":
      return commandText(instruction.command);
    case "HEALTHCHECK":
      return instruction.type === null ? "" : [instruction.type.value, commandText(instruction.command)].filter((part) => part !== "").join(" ");
    case "ADD":
    case "COPY":
    case "VOLUME":
      return instruction.json ? JSON.stringify(instruction.args.map((arg) => arg.value)) : instruction.args.map((arg) => arg.value).join(" ");
    case "FROM":
    case "EXPOSE":
      return instruction.args.map((arg) => arg.value).join(" ");
    case "ARG":
      return instruction.args.map((arg) => (arg.value === null ? arg.name : `${arg.name}=${arg.value}`)).join(" ");
    case "ENV":
    case "LABEL":
      return instruction.legacy
        ? instruction.pairs.map((pair) => `${pair.key.value} ${pair.value.value}`).join(" ")
        : instruction.pairs.map((pair) => `${pair.key.value}=${pair.value.value}`).join(" ");
    case "MAINTAINER":
    case "USER":
    case "WORKDIR":
    case "STOPSIGNAL":
    case "UNKNOWN":
      return instruction.text?.value ?? "";
    case "ONBUILD":
      return instruction.trigger === null ? "" : instructionLine(instruction.trigger);
    case "IFARCH":
    case "TAGARCH":
      return instruction.archs.map((arch) => (arch.negated ? `!${arch.name}` : arch.name)).join(" ");
    case "ENDIFARCH":
      return "";
  }
}
