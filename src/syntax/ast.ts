/**
 * The typed syntax tree of a Dockerfile.
 *
 * It records what BuildKit's parser records (keyword, flags, arguments in the
 * form BuildKit chose, heredocs, preceding comments) with a source range on
 * every node, plus dfc's IFARCH blocks. Values are the raw text of the
 * Dockerfile: quotes and escapes are kept and nothing is expanded; that is
 * the compiler's job.
 */
import type { EscapeChar } from "../../grammar/lexer.js";
import type { Directive } from "./directives.js";
import type { Range } from "./position.js";

export type { EscapeChar, Directive, Range };

/** A piece of source text. */
export interface Word {
  readonly value: string;
  readonly range: Range;
}

/** `--name=value` or `--name` (quotes already removed, as BuildKit does). */
export interface Flag {
  readonly name: string;
  /** Text after the first `=`; `null` when the flag has no `=`. */
  readonly value: string | null;
  readonly range: Range;
}

export interface Heredoc {
  /** The terminator, quotes removed. */
  readonly name: string;
  /** The file descriptor before `<<` (`0` when none is written). */
  readonly fd: number;
  /** `<<-`: leading tabs are stripped from the terminator line (and, later, from the body). */
  readonly chomp: boolean;
  /** False when the name was quoted: the body is used without variable expansion. */
  readonly expand: boolean;
  /** The body's raw lines, line endings included. */
  readonly content: string;
  /** The body and its terminator line. */
  readonly range: Range;
}

/** RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK commands. */
export type CommandForm =
  | { readonly form: "exec"; readonly args: readonly Word[] }
  | { readonly form: "shell"; readonly script: Word }
  | { readonly form: "none" };

interface InstructionBase {
  /** The keyword as written (`run`, `Run`, `RUN`). */
  readonly keyword: Word;
  readonly flags: readonly Flag[];
  /** From the keyword to the end of the instruction's last line, heredoc bodies included. */
  readonly range: Range;
  /** Comment lines directly above the instruction (BuildKit's `PrevComment`). */
  readonly comments: readonly string[];
  /** The instruction text with continuations joined (BuildKit's `Original`). */
  readonly original: string;
}

export interface RunInstruction extends InstructionBase {
  readonly kind: "RUN";
  readonly command: CommandForm;
  readonly heredocs: readonly Heredoc[];
}

export interface CommandInstruction extends InstructionBase {
  readonly kind: "CMD" | "ENTRYPOINT" | "SHELL";
  readonly command: CommandForm;
}

export interface HealthcheckInstruction extends InstructionBase {
  readonly kind: "HEALTHCHECK";
  /** `CMD`, `NONE` (or anything else; the compiler checks). `null` when nothing follows the keyword. */
  readonly type: Word | null;
  readonly command: CommandForm;
}

export interface FileInstruction extends InstructionBase {
  readonly kind: "ADD" | "COPY";
  /** Written as a JSON array. */
  readonly json: boolean;
  readonly args: readonly Word[];
  readonly heredocs: readonly Heredoc[];
}

export interface VolumeInstruction extends InstructionBase {
  readonly kind: "VOLUME";
  readonly json: boolean;
  readonly args: readonly Word[];
}

/** FROM and EXPOSE: arguments separated by blanks. */
export interface WordsInstruction extends InstructionBase {
  readonly kind: "FROM" | "EXPOSE";
  readonly args: readonly Word[];
}

/** `ARG name` or `ARG name=default` (the default raw, quotes kept). */
export interface ArgDeclaration {
  readonly name: string;
  readonly value: string | null;
  readonly range: Range;
}

export interface ArgInstruction extends InstructionBase {
  readonly kind: "ARG";
  readonly args: readonly ArgDeclaration[];
}

export interface KeyValue {
  readonly key: Word;
  readonly value: Word;
}

export interface KeyValueInstruction extends InstructionBase {
  readonly kind: "ENV" | "LABEL";
  /** The legacy form `ENV key value with spaces`: one pair, the value is the rest of the line. */
  readonly legacy: boolean;
  readonly pairs: readonly KeyValue[];
}

/** Instructions whose whole argument text is one value. */
export interface TextInstruction extends InstructionBase {
  readonly kind: "MAINTAINER" | "USER" | "WORKDIR" | "STOPSIGNAL";
  readonly text: Word | null;
}

export interface OnbuildInstruction extends InstructionBase {
  readonly kind: "ONBUILD";
  /** The trigger; it carries the heredocs of the line, if any. */
  readonly trigger: Instruction | null;
}

/** An architecture name in IFARCH or TAGARCH, possibly negated with `!`. */
export interface ArchName {
  readonly name: string;
  readonly negated: boolean;
  readonly range: Range;
}

/** Opens an IFARCH block: kept for a target whose architecture matches any name. */
export interface IfArchInstruction extends InstructionBase {
  readonly kind: "IFARCH";
  readonly archs: readonly ArchName[];
}

/** Declares that the image built in this block is published for all these architectures. */
export interface TagArchInstruction extends InstructionBase {
  readonly kind: "TAGARCH";
  readonly archs: readonly ArchName[];
}

export interface EndIfArchInstruction extends InstructionBase {
  readonly kind: "ENDIFARCH";
}

/** A keyword BuildKit does not know; it parses, and the compiler rejects it. */
export interface UnknownInstruction extends InstructionBase {
  readonly kind: "UNKNOWN";
  /** The argument text (BuildKit's parser discards it). */
  readonly text: Word | null;
}

export type Instruction =
  | RunInstruction
  | CommandInstruction
  | HealthcheckInstruction
  | FileInstruction
  | VolumeInstruction
  | WordsInstruction
  | ArgInstruction
  | KeyValueInstruction
  | TextInstruction
  | OnbuildInstruction
  | IfArchInstruction
  | TagArchInstruction
  | EndIfArchInstruction
  | UnknownInstruction;

export type InstructionKind = Instruction["kind"];

/** `IFARCH … ENDIFARCH`: statements kept only for matching target architectures. */
export interface ArchBlock {
  readonly kind: "ARCH_BLOCK";
  readonly open: IfArchInstruction;
  readonly body: readonly Statement[];
  readonly close: EndIfArchInstruction;
  readonly range: Range;
}

export type Statement = Instruction | ArchBlock;

/** Something BuildKit accepts but warns about while parsing. */
export interface ParseWarning {
  readonly rule: "NoEmptyContinuation";
  readonly message: string;
  readonly range: Range;
}

export interface Dockerfile {
  readonly directives: readonly Directive[];
  readonly escape: EscapeChar;
  /** Instructions and IFARCH blocks in source order. */
  readonly body: readonly Statement[];
  readonly warnings: readonly ParseWarning[];
}

/** Every instruction in source order, block delimiters included (BuildKit's flat child list). */
export function instructionsOf(statements: readonly Statement[]): Instruction[] {
  const out: Instruction[] = [];
  const visit = (list: readonly Statement[]): void => {
    for (const statement of list) {
      if (statement.kind === "ARCH_BLOCK") {
        out.push(statement.open);
        visit(statement.body);
        out.push(statement.close);
      } else {
        out.push(statement);
      }
    }
  };
  visit(statements);
  return out;
}
