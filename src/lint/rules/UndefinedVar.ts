/**
 * UndefinedVar (BuildKit's reportUnmatchedVariables): an instruction that
 * BuildKit expands uses a variable that is neither in the stage's
 * environment (base image ENV, ENV, ARG values) nor a declared ARG.
 *
 * Why: an undefined variable expands to the empty string, so `COPY $foo .`
 * copies the whole context and `ENV PATH=$PAHT:/app` drops the PATH. Only
 * the words BuildKit itself expands are checked: ENV, LABEL, ADD, COPY
 * (paths, --chown, --chmod, --checksum, --exclude, heredocs that expand),
 * WORKDIR, USER, VOLUME, STOPSIGNAL, ARG defaults and RUN --mount options;
 * the shell expands RUN, CMD and ENTRYPOINT commands, so they are not.
 * The environment differs per target (TARGETARCH, IFARCH blocks, image
 * configs), so findings carry their platforms.
 *
 * Without image metadata the base image's ENV is unknown, and any name
 * might come from it (`$GOPATH` on golang, `$APP_UID` on dotnet). In such a
 * stage only names that cannot be the image's are reported: BuildKit's
 * automatic platform ARGs, names this file declares with ARG or ENV (used
 * before the declaration, or declared in another stage or globally), and
 * near misses of such names.
 */
import { AUTOMATIC_ARGS } from "../../compile/args.js";
import type { Command, Mount } from "../../compile/instructions/index.js";
import { processWord, ShellExpansionError, type ShellOptions } from "../../shell/index.js";
import type { Instruction } from "../../syntax/ast.js";
import type { Range } from "../../syntax/position.js";
import type { LintContext } from "../context.js";
import { MemoKey } from "../memo.js";
import type { Rule } from "../rule.js";
import { nearestName, variableRange } from "./support-semantics.js";

/** Build args BuildKit never puts in the environment, so it never reports them. */
const NON_ENV_ARGS = new Set(["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"]);

/** One word BuildKit expands: its raw text, where it is written, how it is expanded. */
interface Expansion {
  readonly value: string;
  readonly range: Range;
  /** Heredoc bodies are expanded raw: quotes kept, `\` as the escape character. */
  readonly raw?: boolean;
}

function mountTexts(mount: Mount): (string | null)[] {
  switch (mount.type) {
    case "bind":
      return [mount.target, mount.source];
    case "cache":
      return [mount.target, mount.id, mount.source, mount.mode, mount.uid, mount.gid];
    case "tmpfs":
      return [mount.target, mount.size];
    case "secret":
      return [mount.id, mount.target, mount.env, mount.mode, mount.uid, mount.gid];
    case "ssh":
      return [mount.id, mount.target, mount.mode, mount.uid, mount.gid];
  }
}

/** The words of a command that BuildKit expands with its reporting expander (ARG is handled apart). */
function expansions(command: Command): readonly Expansion[] {
  switch (command.kind) {
    case "ENV":
    case "LABEL":
      return command.pairs.flatMap((pair) => [pair.key, pair.value]);
    case "COPY":
    case "ADD": {
      const words = [...command.sources, command.dest, ...command.exclude];
      if (command.chown !== null) words.push(command.chown);
      if (command.chmod !== null) words.push(command.chmod);
      if (command.kind === "ADD" && command.checksum !== null) words.push(command.checksum);
      const heredocs = command.heredocSources
        .filter((heredoc) => heredoc.expand)
        .map((heredoc) => {
          const written = command.source.heredocs.find((candidate) => candidate.name === heredoc.name);
          return { value: heredoc.content, range: written?.range ?? heredoc.marker.range, raw: true };
        });
      return [...words, ...heredocs];
    }
    case "WORKDIR":
      return [command.path];
    case "USER":
      return [command.user];
    case "VOLUME":
      return command.volumes;
    case "STOPSIGNAL":
      return [command.signal];
    case "RUN":
      return command.mounts.flatMap((mount) =>
        mountTexts(mount).flatMap((value) => (value === null || !value.includes("$") ? [] : [{ value, range: mount.range }])),
      );
    default:
      return [];
  }
}

const EXPANDING = new MemoKey<readonly Expansion[], Command>();

/**
 * The words of a command that have something to expand (a `$`): every
 * target dispatches the same command objects, so once per command.
 */
function expandingWords(context: LintContext, command: Command): readonly Expansion[] {
  return context.memo.get(EXPANDING, command, () => expansions(command).filter((expansion) => expansion.value.includes("$")));
}

/** Where the file itself defines each name: every ARG and ENV instruction naming it (as written). */
function definitions(instructions: readonly Instruction[]): Map<string, Set<Instruction>> {
  const found = new Map<string, Set<Instruction>>();
  const add = (name: string, instruction: Instruction): void => {
    const set = found.get(name) ?? new Set<Instruction>();
    set.add(instruction);
    found.set(name, set);
  };
  const visit = (instruction: Instruction | null, owner: Instruction): void => {
    if (instruction === null) return;
    if (instruction.kind === "ARG") instruction.args.forEach((arg) => add(arg.name, owner));
    else if (instruction.kind === "ENV") instruction.pairs.forEach((pair) => add(pair.key.value, owner));
    else if (instruction.kind === "ONBUILD") visit(instruction.trigger, owner);
  };
  instructions.forEach((instruction) => visit(instruction, instruction));
  return found;
}

const AUTOMATIC = new Set<string>(AUTOMATIC_ARGS);

/**
 * With the base image's environment unknown, whether the image might define
 * `name`: not when this file defines it in another instruction (`ENV X=$X:…`
 * extends the image's own X, so its own instruction does not count), nor
 * when it is an automatic platform ARG, nor when it is a near miss of one of
 * those (a typo).
 */
function mayComeFromImage(name: string, instruction: Instruction, defined: ReadonlyMap<string, ReadonlySet<Instruction>>): boolean {
  const elsewhere = (candidate: string): boolean =>
    AUTOMATIC.has(candidate) || [...(defined.get(candidate) ?? [])].some((definition) => definition !== instruction);
  if (elsewhere(name)) return false;
  return nearestName(name, [...AUTOMATIC, ...[...defined.keys()].filter(elsewhere)]) === undefined;
}

const NONE: ReadonlySet<string> = new Set();

function unmatchedIn(expansion: Expansion, env: ReadonlyMap<string, string>, escape: "\\" | "`"): ReadonlySet<string> {
  const options: ShellOptions = expansion.raw === true ? { escape: "\\", skipProcessQuotes: true } : { escape };
  try {
    return processWord(expansion.value, env, options).unmatched;
  } catch (error) {
    if (error instanceof ShellExpansionError) return NONE;
    throw error;
  }
}

export const UndefinedVar: Rule = {
  name: "UndefinedVar",
  origin: "buildkit",
  severity: "warning",
  experimental: false,
  description: "Variables should be defined before their use",
  check(context) {
    const written = context.written;
    const escape = context.dockerfile.escape;
    const defined = definitions(context.instructions);
    // The same names come up for every target and step: whether the image may define one is worked out once.
    const fromImage = new Map<string, boolean>();
    const mayBeImages = (name: string, instruction: Instruction): boolean => {
      const key = `${instruction.range.start.offset} ${name}`;
      let known = fromImage.get(key);
      if (known === undefined) fromImage.set(key, (known = mayComeFromImage(name, instruction, defined)));
      return known;
    };
    const lookups = new Map<ReadonlyMap<string, string>, Map<Expansion, ReadonlySet<string>>>();
    for (const target of context.targets) {
      for (const step of target.steps) {
        // Commands replayed from a base image's ONBUILD triggers are not written here.
        if (!written.has(step.command.source)) continue;
        // Only ARG defaults and words with a `$` can use a variable.
        if (step.command.kind !== "ARG" && expandingWords(context, step.command).length === 0) continue;
        // Declared ARGs include those of the stage this one is built FROM, as in BuildKit.
        let declared = step.declaredArgs;
        // Made at the first report: most steps have none.
        let reported: Set<string> | undefined;
        const report = (name: string, where: Expansion): void => {
          if (declared.has(name) || NON_ENV_ARGS.has(name) || reported?.has(name) === true) return;
          if (!step.stage.configKnown && mayBeImages(name, step.command.source)) return;
          (reported ??= new Set()).add(name);
          const suggestion = nearestName(name, step.env.keys());
          context.report({
            range: variableRange(context, where.range, name, where.raw === true ? "\\" : escape),
            message: `Usage of undefined variable '$${name}'${suggestion === undefined ? "" : ` (did you mean $${suggestion}?)`}; ${suggestion === undefined ? "declare" : "correct the name, or declare"} it with "ARG ${name}" or set it with ENV before this instruction`,
            platforms: [target.platform],
          });
        };
        if (step.command.kind === "ARG") {
          // Each default is expanded in turn (a build arg replaces it unexpanded); earlier names are declared by then.
          const growing = new Set(declared);
          declared = growing;
          for (const arg of step.command.args) {
            if (arg.value !== null && !context.buildArgs.has(arg.name)) {
              const where = { value: arg.value, range: arg.range };
              for (const name of unmatchedIn(where, step.env, escape)) report(name, where);
            }
            growing.add(arg.name);
          }
          continue;
        }
        // Targets compiled alike share their steps' environments: look each word up once per environment.
        let looked = lookups.get(step.env);
        if (looked === undefined) lookups.set(step.env, (looked = new Map()));
        for (const expansion of expandingWords(context, step.command)) {
          let names = looked.get(expansion);
          if (names === undefined) looked.set(expansion, (names = unmatchedIn(expansion, step.env, escape)));
          for (const name of names) report(name, expansion);
        }
      }
    }
  },
};
