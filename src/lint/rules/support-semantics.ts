/**
 * Helpers shared by the BuildKit semantic rules (group-buildkit-semantics):
 *
 * - the FROM scope of each target: BuildKit evaluates every FROM line of the
 *   file (reachable from the target or not) with the automatic platform ARGs
 *   and the global ARGs, so the FROM rules rebuild that scope here instead of
 *   relying on the compiled stages, which are only those the target needs;
 * - where a `$NAME` lies inside a word, so findings point at the variable;
 * - BuildKit's "did you mean" search.
 */
import { automaticArgs } from "../../compile/args.js";
import { evaluateGlobalArgs, setUpTarget, type TargetSetup } from "../../compile/compile.js";
import { CompileError } from "../../compile/errors.js";
import type { ArgCommand } from "../../compile/instructions/index.js";
import { suggest } from "../../compile/instructions/suggest.js";
import type { StageDefinition } from "../../compile/stages.js";
import type { Platform } from "../../platform/index.js";
import type { Instruction } from "../../syntax/ast.js";
import { SourceError } from "../../syntax/errors.js";
import type { Range } from "../../syntax/position.js";
import { sourceView } from "./support-scripts.js";
import type { LintContext, TargetView } from "../context.js";
import { MemoKey } from "../memo.js";

// --- FROM scope -------------------------------------------------------------

/** What BuildKit knows when it reads the FROM lines for one requested platform. */
export interface FromScope {
  readonly target: TargetView;
  /** The platform the build is made for: the requested one, or its TAGARCH group's shared platform. */
  readonly platform: Platform;
  /** Every stage of the file for this target (IFARCH blocks resolved), in order. */
  readonly stages: readonly StageDefinition[];
  readonly globalArgs: readonly ArgCommand[];
  /** Automatic platform ARGs plus global ARGs with a value, build args applied; null when a default fails to expand. */
  readonly vars: ReadonlyMap<string, string> | null;
  /** The same with the defaults only, as if no build arg were given; null when a default fails to expand. */
  readonly defaults: ReadonlyMap<string, string> | null;
  /** Every global ARG name, with or without a value. */
  readonly declared: ReadonlySet<string>;
}

const SCOPES = new MemoKey<readonly FromScope[]>();

/** One scope per requested platform whose instructions can be split into stages. */
export function fromScopes(context: LintContext): readonly FromScope[] {
  return context.memo.value(SCOPES, () =>
    context.targets.flatMap((target) => {
      const scope = scopeOf(context, target);
      return scope === null ? [] : [scope];
    }),
  );
}

function scopeOf(context: LintContext, target: TargetView): FromScope | null {
  try {
    // The compile's own setup when it got that far; a target that did not compile may still have FROM lines to check.
    const setup = target.compiled?.setup ?? setUpTarget(context.dockerfile, target.platform, context.targetStage ?? null, context.memo.compile);
    return new LazyScope(context, target, setup);
  } catch (error) {
    if (error instanceof SourceError) return null;
    throw error;
  }
}

/** The ARG values are evaluated when a rule first asks: only FROM lines with a `$` need them. */
class LazyScope implements FromScope {
  readonly platform: Platform;
  readonly stages: readonly StageDefinition[];
  readonly globalArgs: readonly ArgCommand[];
  private evaluated: { vars: ReadonlyMap<string, string> | null; defaults: ReadonlyMap<string, string> | null } | undefined;
  private names: ReadonlySet<string> | undefined;

  constructor(
    private readonly context: LintContext,
    readonly target: TargetView,
    private readonly setup: TargetSetup,
  ) {
    this.platform = setup.platform;
    this.stages = setup.stages;
    this.globalArgs = setup.globalArgs;
  }

  get vars(): ReadonlyMap<string, string> | null {
    return this.evaluate().vars;
  }

  get defaults(): ReadonlyMap<string, string> | null {
    return this.evaluate().defaults;
  }

  get declared(): ReadonlySet<string> {
    return (this.names ??= new Set(this.globalArgs.flatMap((command) => command.args.map((arg) => arg.name))));
  }

  private evaluate(): { vars: ReadonlyMap<string, string> | null; defaults: ReadonlyMap<string, string> | null } {
    if (this.evaluated === undefined) {
      const { context, setup } = this;
      const automatic = automaticArgs(context.buildPlatform, setup.platform, setup.target.name ?? "");
      const escape = context.dockerfile.escape;
      this.evaluated = { vars: evaluate(setup.globalArgs, automatic, context.buildArgs, escape), defaults: evaluate(setup.globalArgs, automatic, new Map(), escape) };
    }
    return this.evaluated;
  }
}

/** The global ARGs' values, or null when a default does not expand (the compile reports that). */
function evaluate(commands: readonly ArgCommand[], automatic: Map<string, string>, buildArgs: ReadonlyMap<string, string>, escape: "\\" | "`"): Map<string, string> | null {
  try {
    return evaluateGlobalArgs(commands, automatic, buildArgs, escape);
  } catch (error) {
    if (error instanceof CompileError) return null;
    throw error;
  }
}

// --- source positions --------------------------------------------------------

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * The range of the first unescaped `$NAME` or `${NAME…` inside `range`;
 * `range` itself when the reference cannot be found (a name that is not
 * written literally, say).
 */
export function variableRange(context: LintContext, range: Range, name: string, escape: string = context.dockerfile.escape): Range {
  const { text, locator } = sourceView(context);
  const from = range.start.offset;
  const to = Math.min(range.end.offset, text.length);
  for (let index = text.indexOf("$", from); index !== -1 && index < to; index = text.indexOf("$", index + 1)) {
    let escapes = 0;
    while (index - escapes - 1 >= from && text[index - escapes - 1] === escape) escapes++;
    if (escapes % 2 === 1) continue;
    const braced = text[index + 1] === "{";
    const start = index + (braced ? 2 : 1);
    if (text.startsWith(name, start) && start + name.length <= to) {
      const after = text[start + name.length] ?? "";
      // A positional or special parameter (`$1`, `$@`) is one character long whatever follows.
      if (!NAME_CHAR.test(after) || /^(?:[0-9]|[^A-Za-z0-9_])$/.test(name)) {
        const end = braced && after === "}" ? start + name.length + 1 : start + name.length;
        return locator.range(index, end);
      }
    }
  }
  return range;
}

/** The range of `name` where it is written at the start of `range` (an ARG or ENV key), else `range`. */
export function nameRange(context: LintContext, range: Range, name: string): Range {
  const { text, locator } = sourceView(context);
  return text.startsWith(name, range.start.offset) ? locator.range(range.start.offset, range.start.offset + name.length) : range;
}

/** The range of the last comment line above an instruction (blank lines between are skipped), or null. */
export function commentAbove(context: LintContext, instruction: Instruction): Range | null {
  const { text, locator } = sourceView(context);
  for (let line = instruction.range.start.line - 1; line >= 1; line--) {
    const content = locator.lineText(line, text);
    const start = locator.lineRange(line, text).start.offset;
    const trimmed = content.trim();
    if (trimmed === "") continue;
    if (!trimmed.startsWith("#")) return null;
    const hash = start + content.indexOf("#");
    return locator.range(hash, start + content.trimEnd().length);
  }
  return null;
}

// --- suggestions ---------------------------------------------------------------

/** BuildKit's suggest.Search, case-sensitive (as on a Linux daemon). */
export function nearestName(name: string, options: Iterable<string>): string | undefined {
  return suggest(name, options, true);
}
