/**
 * JSONArgsRecommended (BuildKit): CMD or ENTRYPOINT in shell form
 * (`CMD nginx -g "daemon off;"`) in a stage that has not chosen a shell with
 * SHELL.
 *
 * Why: the shell form runs the program as a child of `/bin/sh -c`, and the
 * shell does not pass on signals: `docker stop` sends SIGTERM to the shell,
 * the program never sees it and is killed after the timeout. The exec form
 * (`CMD ["nginx", "-g", "daemon off;"]`) runs the program as PID 1 so it gets
 * the signal.
 *
 * A SHELL instruction says the shell is wanted, so, as in BuildKit, there is
 * no finding once the stage has a shell set: by its own SHELL, inherited from
 * an earlier stage it is built FROM, or from the base image's config when a
 * resolver knows it. Stages are read per requested platform (IFARCH blocks
 * resolved, `FROM $VAR` bases as compiled for that platform).
 */
import type { CompiledStage } from "../../compile/target.js";
import type { CommandInstruction, WordsInstruction } from "../../syntax/ast.js";
import type { LintContext, TargetView } from "../context.js";
import type { Rule } from "../rule.js";
import { isAsKeyword } from "../../compile/instructions/from.js";

/** Words that mean the same in exec form as in the shell: no quoting, expansion, globbing or operators. */
const PLAIN_WORD = /^[A-Za-z0-9_\-./:=,@+]+$/;
/** Shell built-ins and syntax that have no executable to run in exec form. */
const SHELL_ONLY = new Set(["cd", "source", ".", "export", "set", "eval", "if", "for", "while", "case", "test", "[", "true", "false", "ulimit", "umask", "trap", "wait"]);

/** The exec form of a shell-form command when the conversion is mechanical, else null. */
function execForm(script: string): string | null {
  let words = script.trim().split(/\s+/);
  if (words[0] === "exec") words = words.slice(1);
  const [program] = words;
  if (program === undefined || program.includes("=") || SHELL_ONLY.has(program) || !words.every((word) => PLAIN_WORD.test(word))) return null;
  return `[${words.map((word) => JSON.stringify(word)).join(", ")}]`;
}

function hint(instruction: CommandInstruction): string {
  const keyword = instruction.keyword.value;
  const exec = instruction.command.form === "shell" ? execForm(instruction.command.script.value) : null;
  if (exec !== null) return `write ${keyword} ${exec}`;
  return `use the exec form, ${keyword} ["executable", "arg", …], or choose the shell explicitly with SHELL if one is wanted`;
}

class ShellTracker {
  /** Whether each stage (by index) ends with a shell set. */
  private readonly ends: boolean[] = [];
  private readonly names = new Map<string, number>();
  private readonly compiled: ReadonlyMap<number, CompiledStage>;
  index = -1;
  shell = false;

  constructor(
    private readonly context: LintContext,
    target: TargetView,
  ) {
    this.compiled = new Map((target.compiled?.stages ?? []).map((stage) => [stage.index, stage]));
  }

  from(instruction: WordsInstruction): void {
    if (this.index >= 0) this.ends[this.index] = this.shell;
    this.index++;
    this.shell = this.inherited(instruction);
    const [, as, name] = instruction.args;
    if (instruction.args.length === 3 && as !== undefined && name !== undefined && isAsKeyword(as.value)) {
      this.names.set(name.value.toLowerCase(), this.index);
    }
  }

  /** The shell a stage starts with: its base stage's, or its base image's when the resolver knows it. */
  private inherited(instruction: WordsInstruction): boolean {
    const stage = this.compiled.get(this.index);
    if (stage !== undefined) {
      if (stage.base.kind === "stage") return this.ends[stage.base.index] ?? false;
      if (stage.base.kind === "scratch") return false;
      const lookup = this.context.resolver?.lookup(stage.base.ref, stage.platform);
      return lookup?.status === "known" && (lookup.config.shell?.length ?? 0) > 0;
    }
    // Not compiled for this platform (not needed by the target, or the file does not compile): go by the name.
    const base = instruction.args[0]?.value;
    const index = base === undefined ? undefined : this.names.get(base);
    return index === undefined ? false : (this.ends[index] ?? false);
  }
}

export const rule: Rule = {
  name: "JSONArgsRecommended",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "JSON (exec form) arguments are recommended for ENTRYPOINT and CMD, so that the program receives OS signals.",
  check(context) {
    for (const view of context.targets) {
      const shells = new ShellTracker(context, view);
      for (const instruction of view.instructions) {
        if (instruction.kind === "FROM") {
          shells.from(instruction);
        } else if (shells.index < 0) {
          continue;
        } else if (instruction.kind === "SHELL") {
          if (instruction.command.form === "exec" && instruction.command.args.length > 0) shells.shell = true;
        } else if ((instruction.kind === "CMD" || instruction.kind === "ENTRYPOINT") && instruction.command.form !== "exec" && !shells.shell) {
          const keyword = instruction.keyword.value;
          context.report({
            range: instruction.command.form === "shell" ? instruction.command.script.range : instruction.keyword.range,
            message: `JSON arguments recommended for ${keyword} to prevent unintended behavior related to OS signals: ${hint(instruction)}`,
            platforms: [view.platform],
          });
        }
      }
    }
  },
};
