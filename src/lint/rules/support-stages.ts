/**
 * How a target's stages feed each other: which stage's files end up in
 * which other stage (COPY --from, RUN --mount from=, FROM <stage>), and
 * whether the consumer picks a per-architecture path (`/out/$TARGETARCH/`).
 */
import { findStage } from "../../compile/stages.js";
import type { CompiledStage } from "../../compile/target.js";
import { expandWord } from "../../shell/index.js";
import type { LintContext, Step, TargetView } from "../context.js";
import { MemoKey } from "../memo.js";
import { canonicalOfPlatform } from "./support-arch-names.js";
import { instructionText, scriptsOf, TARGET_ARGS } from "./support-scripts.js";
import { commandName } from "../../shell/script.js";

export interface StageLink {
  readonly producer: number;
  readonly consumer: number;
  /** The consumer chooses by target (`--from=build-$TARGETARCH`, `/out/${TARGETARCH}/app`). */
  readonly selective: boolean;
}

const ARCHY_VARIABLE = /\$\{?[A-Za-z_]*(?:ARCH|PLATFORM|TARGET|TRIPLE|VARIANT|RID)[A-Za-z0-9_]*/i;

const LINKS = new MemoKey<readonly StageLink[], TargetView>();

function computeLinks(target: TargetView): StageLink[] {
  const compiled = target.compiled;
  if (compiled === null) return [];
  const links: StageLink[] = [];
  for (const stage of compiled.stages) {
    if (stage.base.kind === "stage") links.push({ producer: stage.base.index, consumer: stage.index, selective: false });
  }
  for (const step of target.steps) {
    const command = step.command;
    const references: { raw: string; paths: readonly string[] }[] = [];
    if (command.kind === "COPY" && command.from !== null) references.push({ raw: command.from.value, paths: command.sources.map((source) => source.value) });
    if (command.kind === "RUN") {
      for (const mount of command.mounts) {
        if ((mount.type === "bind" || mount.type === "cache") && mount.from !== null) references.push({ raw: mount.from, paths: [mount.source ?? ""] });
      }
    }
    for (const reference of references) {
      let name = reference.raw;
      try {
        name = expandWord(reference.raw, step.env);
      } catch {
        continue;
      }
      const producer = findStage(compiled.stages, name, true, step.definition.index);
      if (producer === undefined) continue;
      const selective = ARCHY_VARIABLE.test(reference.raw) || reference.paths.some((path) => ARCHY_VARIABLE.test(path));
      links.push({ producer: producer.index, consumer: step.definition.index, selective });
    }
  }
  return links;
}

/**
 * The stages on the target platform that receive files from `producer`,
 * directly or through other build-platform stages, and whether every path
 * there chooses per target. A target-platform stage that only carries files
 * (no RUN) on to other stages is looked through; a build-platform stage
 * that is itself target-aware (`aware`) ends the walk, since what it makes
 * is made for the target (what it received was a build tool).
 */
export function targetConsumers(context: LintContext, target: TargetView, producer: number, aware: ReadonlySet<number> = new Set()): { readonly stage: CompiledStage; readonly selective: boolean }[] {
  const compiled = target.compiled;
  if (compiled === null) return [];
  // Links between the stages compiled for the target, computed once per target.
  const links = context.memo.get(LINKS, target, computeLinks);
  const byIndex = new Map(compiled.stages.map((stage) => [stage.index, stage]));
  const running = new Set(target.steps.filter((step) => step.command.kind === "RUN").map((step) => step.definition.index));
  const found = new Map<number, { stage: CompiledStage; selective: boolean }>();
  const seen = new Set<string>();
  const walk = (from: number, selective: boolean): void => {
    for (const link of links) {
      if (link.producer !== from) continue;
      const key = `${link.consumer}:${selective || link.selective}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const stage = byIndex.get(link.consumer);
      if (stage === undefined) continue;
      const chosen = selective || link.selective;
      if (stage.pinnedToBuild) {
        if (!aware.has(stage.index)) walk(link.consumer, chosen);
      } else if (!running.has(stage.index) && links.some((other) => other.producer === stage.index)) {
        walk(link.consumer, chosen);
      } else {
        const previous = found.get(stage.index);
        found.set(stage.index, { stage, selective: chosen && (previous?.selective ?? true) });
      }
    }
  };
  walk(producer, false);
  return [...found.values()];
}

const WINDOWS_IMAGE = /(?:^|\/)windows\/|nanoserver|servercore|windowsservercore|(?:^|\/)windows(?:[:@]|$)/i;

/**
 * A stage that is evidently Windows (a Windows base image, or a SHELL of
 * cmd/PowerShell), built for a target that is not: a Windows-only Dockerfile
 * linted for Linux platforms, whose architecture names say nothing about a
 * multi-platform mistake.
 */
export function windowsOnLinux(target: TargetView, stageIndex: number): boolean {
  if (target.platform.os === "windows") return false;
  const compiled = target.compiled;
  if (compiled === null) return false;
  const seen = new Set<number>();
  let index: number | undefined = stageIndex;
  while (index !== undefined && !seen.has(index)) {
    seen.add(index);
    const current: number = index;
    const stage: CompiledStage | undefined = compiled.stages.find((candidate) => candidate.index === current);
    if (stage === undefined) return false;
    const shell = target.steps.some((step) => step.definition.index === current && step.command.kind === "SHELL" && step.command.shell.some((word) => /^(?:cmd|cmd\.exe|powershell|powershell\.exe|pwsh)$/i.test(word.value)));
    if (shell) return true;
    if (stage.base.kind === "image") return WINDOWS_IMAGE.test(stage.base.ref);
    index = stage.base.kind === "stage" ? stage.base.index : undefined;
  }
  return false;
}

/**
 * Stages (by index) whose commands take the target into account: a RUN,
 * ENV or ARG that uses a TARGET* ARG, or an xx-* tool (which reads
 * TARGETPLATFORM) with one declared; a stage built FROM such a stage is one
 * too.
 */
function targetAwareStages(context: LintContext, target: TargetView): ReadonlySet<number> {
  return context.memo.get(AWARE, target, () => computeTargetAware(context, target));
}

const AWARE = new MemoKey<ReadonlySet<number>, TargetView>();

function computeTargetAware(context: LintContext, target: TargetView): Set<number> {
  const aware = new Set<number>();
  for (const step of target.steps) {
    if (aware.has(step.definition.index)) continue;
    if (stepUsesTarget(context, step)) aware.add(step.definition.index);
  }
  const compiled = target.compiled;
  if (compiled !== null) {
    for (const stage of compiled.stages) {
      let current: CompiledStage | undefined = stage;
      const seen = new Set<number>();
      while (current !== undefined && current.base.kind === "stage" && !seen.has(current.index)) {
        seen.add(current.index);
        const parentIndex: number = current.base.index;
        if (aware.has(parentIndex)) {
          aware.add(stage.index);
          break;
        }
        current = compiled.stages.find((candidate) => candidate.index === parentIndex);
      }
    }
  }
  return aware;
}

/** A use of a build-pinned step that leaks build-platform output: who takes it regardless of target. */
export interface BuildLeak {
  readonly target: TargetView;
  readonly step: Step;
  readonly consumers: readonly { readonly stage: CompiledStage; readonly selective: boolean }[];
}

/**
 * The uses of an instruction, for targets other than the build platform, in
 * a stage pinned to $BUILDPLATFORM that never looks at TARGET*, whose output
 * some stage takes without choosing by target: there the target gets
 * whatever the build machine made.
 */
export function buildPlatformLeaks(context: LintContext, uses: readonly { readonly target: TargetView; readonly step: Step }[]): BuildLeak[] {
  const build = canonicalOfPlatform(context.buildPlatform);
  return uses.flatMap(({ target, step }) => {
    if (!step.stage.pinnedToBuild || canonicalOfPlatform(target.platform) === build) return [];
    const aware = targetAwareStages(context, target);
    if (aware.has(step.definition.index)) return [];
    const consumers = targetConsumers(context, target, step.definition.index, aware).filter((consumer) => !consumer.selective);
    return consumers.length === 0 ? [] : [{ target, step, consumers }];
  });
}

const TARGET_REFERENCE = /\$\{?TARGET(?:PLATFORM|OS|ARCH|VARIANT)\b/;

function stepUsesTarget(context: LintContext, step: Step): boolean {
  const command = step.command;
  const declared = [...TARGET_ARGS].some((name) => step.declaredArgs.has(name));
  switch (command.kind) {
    case "ENV":
      return command.pairs.some((pair) => TARGET_REFERENCE.test(pair.value.value));
    case "ARG":
      return command.args.some((arg) => arg.value !== null && TARGET_REFERENCE.test(arg.value));
    case "RUN":
      if (!/TARGET|xx-/.test(instructionText(command.source))) return false;
      return scriptsOf(context, command.source).some(
        (text) =>
          text.script.refs.some((ref) => TARGET_ARGS.has(ref.name)) ||
          (declared && text.script.commands.some((inner) => /^(?:go)?xx-/.test(inner.args[0]?.literal ?? "") || /^(?:go)?xx-/.test(commandName(inner)?.name ?? ""))),
      );
    default:
      return false;
  }
}
