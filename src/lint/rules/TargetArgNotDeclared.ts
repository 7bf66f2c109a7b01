/**
 * TargetArgNotDeclared: `$TARGETARCH` (or another automatic platform ARG)
 * used in shell text of a stage that never declared it.
 *
 * BuildKit defines TARGETARCH and friends for every build, but inside a
 * stage they exist only after `ARG TARGETARCH`; an ARG before the first FROM
 * reaches FROM lines only. BuildKit does not expand RUN text itself, so the
 * shell gets an empty variable and nothing warns: the download URL loses its
 * architecture, the `case` falls to its default, every platform gets the
 * same result. CMD, ENTRYPOINT and HEALTHCHECK run later still, in the
 * container, where ARGs never exist at all (only ENV does).
 */
import { automaticArgs } from "../../compile/args.js";
import type { Command } from "../../compile/instructions/index.js";
import type { LintContext, Step } from "../context.js";
import type { Rule } from "../rule.js";
import { instructionText, instructionUses, PLATFORM_ARGS, scriptsOf, type ScriptText } from "./support-scripts.js";
import type { VarRef } from "../../shell/script.js";

const NAMES: ReadonlySet<string> = new Set(PLATFORM_ARGS);
const MENTIONS = /(?:TARGET|BUILD)(?:PLATFORM|OS|ARCH|VARIANT)/;

export const TargetArgNotDeclared: Rule = {
  name: "TargetArgNotDeclared",
  origin: "dfc",
  severity: "warning",
  experimental: false,
  description: "An automatic platform ARG ($TARGETARCH, $BUILDPLATFORM, …) is used in shell text of a stage that does not declare it, so the shell sees an empty string.",
  check(context: LintContext): void {
    for (const use of instructionUses(context)) {
      if (!MENTIONS.test(instructionText(use.instruction))) continue;
      const texts = scriptsOf(context, use.instruction);
      if (texts.length === 0) continue;
      for (const { target, step } of use.uses) {
        if (step.command.kind === "ONBUILD") continue;
        const actual = automaticArgs(context.buildPlatform, target.compiled?.platform ?? target.platform, "");
        for (const text of texts) {
          for (const ref of unsetRefs(text, step)) {
            // `${TARGETOS:-linux}` on linux: the default happens to be the value, no harm on this platform.
            if (ref.op !== null && /^:?-$/.test(ref.op) && ref.operand === actual.get(ref.name)) continue;
            context.report({ range: text.range(ref.start, ref.end), message: message(context, text, ref, step), platforms: [target.platform] });
          }
        }
      }
    }
  },
};

/** References the shell (or, at run time, the container) will find unset. */
function unsetRefs(text: ScriptText, step: Step): VarRef[] {
  if (!text.expands) return [];
  const seen = new Set<number>();
  return text.script.refs.filter((ref) => {
    if (!NAMES.has(ref.name) || seen.has(ref.start)) return false;
    seen.add(ref.start);
    // The script sets it itself (`TARGETARCH=$(dpkg --print-architecture)`), or falls back to a probe.
    if (text.script.assigned.has(ref.name)) return false;
    if (ref.op !== null && /^:?[-=]$/.test(ref.op) && (ref.operand ?? "").includes("$")) return false;
    return text.role === "runtime" ? !persisted(step, ref.name) : !step.declaredArgs.has(ref.name) && !step.env.has(ref.name);
  });
}

/** Whether the running container has the variable: set by ENV in this stage or its base stages, or by the base image. */
function persisted(step: Step, name: string): boolean {
  if (step.env.has(name) && !step.declaredArgs.has(name)) return true;
  const before = step.definition.commands.slice(0, Math.max(0, step.definition.commands.indexOf(step.command)));
  return before.some((command: Command) => command.kind === "ENV" && command.pairs.some((pair) => pair.key.value === name));
}

function message(context: LintContext, text: ScriptText, ref: VarRef, step: Step): string {
  const name = ref.name;
  const written = text.text.slice(ref.start, ref.end);
  const stage = step.definition.name === null ? `stage ${step.definition.index}` : `stage "${step.definition.name}"`;
  const defaulted = ref.op !== null && /^:?-$/.test(ref.op) && ref.operand !== null;
  const sees = defaulted ? `always uses the default "${ref.operand ?? ""}"` : `sees an empty string`;
  if (text.role === "runtime") {
    return (
      `${written} is expanded when the container starts, but ARG values are not kept in the image: at run time the shell ${sees}. ` +
      `Persist it at build time: \`ARG ${name}\` then \`ENV ${name}=$${name}\` in ${stage}.`
    );
  }
  const global = context.instructions.some((instruction) => instruction.kind === "ARG" && instruction.args.some((arg) => arg.name === name) && instruction.range.start.offset < (context.instructions.find((i) => i.kind === "FROM")?.range.start.offset ?? 0));
  const later = step.definition.commands.find(
    (command) => command.kind === "ARG" && command.source.range.start.offset > step.command.source.range.start.offset && command.args.some((arg) => arg.name === name),
  );
  const why = later !== undefined ? ` (its \`ARG ${name}\` on line ${later.source.range.start.line} comes after this use)` : global ? ` (an ARG before the first FROM is visible to FROM lines only)` : "";
  return (
    `${written}: ${name} is unset here: ${stage} has no \`ARG ${name}\` before this line${why}, and BuildKit does not expand RUN text, so the shell ${sees}. ` +
    `Add \`ARG ${name}\` in ${stage} before this instruction.`
  );
}
