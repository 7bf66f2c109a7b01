/**
 * The shape of a lowered Dockerfile: which copies of the stages it holds
 * (one per build platform), which stages are shared by all copies, what
 * every stage is called, and the alias stages that let
 * `${TARGETARCH}${TARGETVARIANT}` pick the right copy for each requested
 * platform. Names are settled here, before any instruction is rewritten,
 * because a reference can only be checked against the full list.
 */
import type { TargetSetup } from "../../compile/compile.js";
import { isValidImageRef } from "../../compile/image-ref.js";
import { isValidStageName } from "../../compile/instructions/from.js";
import type { ArgCommand } from "../../compile/instructions/index.js";
import { stageLabel, type StageDefinition } from "../../compile/stages.js";
import { formatPlatform, normalizePlatform, samePlatform, type Platform } from "../../platform/index.js";
import type { EscapeChar, Instruction } from "../../syntax/ast.js";
import type { Range } from "../../syntax/position.js";
import { LoweringError } from "./errors.js";
import { sharedStages } from "./shared.js";

/** How an alias stage finds its copy: `FROM <label>-${TARGETARCH}${TARGETVARIANT}`. */
const DISPATCH = "${TARGETARCH}${TARGETVARIANT}";

/** One build platform's stages, as the compiler resolves IFARCH for it. */
export interface BuildCopy {
  readonly build: Platform;
  /** How `${TARGETARCH}${TARGETVARIANT}` spells the build platform. */
  readonly suffix: string;
  /** The requested platforms this build serves (more than the build platform itself with TAGARCH). */
  readonly members: readonly Platform[];
  /** Serves a platform other than its own: every FROM must then ask for the build platform. */
  readonly pinned: boolean;
  readonly globalArgs: readonly ArgCommand[];
  readonly stages: readonly StageDefinition[];
  /**
   * The lowered name of each stage, by index: `<label>-<suffix>`, or a shared
   * stage's own label; null only for an unnamed shared default target.
   */
  readonly names: readonly (string | null)[];
  /** The stages printed in this copy (those not shared). */
  readonly own: readonly StageDefinition[];
}

/** `FROM <base> [AS <name>]` and nothing else. */
export interface AliasStage {
  readonly base: string;
  readonly name: string | null;
  /** The original stage it stands for, for comments and errors. */
  readonly range: Range;
}

export interface Layout {
  readonly copies: readonly BuildCopy[];
  /** Stages printed once, before the copies (as the first copy has them). */
  readonly shared: readonly StageDefinition[];
  /** Stages that give a TAGARCH member its own suffix for its group's copy. */
  readonly memberAliases: readonly AliasStage[];
  /** `FROM <name>-${…} AS <name>`, so `--target <name>` still works. */
  readonly nameAliases: readonly AliasStage[];
  /** The last stage, the default target: an alias, or the stage itself when every copy shares it. */
  readonly final: AliasStage | { readonly shared: StageDefinition };
  /** The default target's name differs between build platforms, so TARGETSTAGE would too. */
  readonly targetStageVaries: boolean;
  /** Every stage name of the lowered file. */
  readonly names: ReadonlySet<string>;
}

/** `amd64`, `arm64`, `armv7`, `386`: the platform as `${TARGETARCH}${TARGETVARIANT}` expands. */
function suffixOf(platform: Platform): string {
  const { architecture, variant } = normalizePlatform(platform);
  return `${architecture}${variant ?? ""}`;
}

export interface Resolved {
  readonly requested: Platform;
  readonly setup: TargetSetup;
}

/**
 * `resolved` in requested-platform order. `anchor` is where refusals that
 * concern the whole file point (the first IFARCH).
 */
export function layOut(resolved: readonly Resolved[], anchor: Range, escape: EscapeChar): Layout {
  const groups = groupByBuild(resolved, anchor);
  const shared = sharedStages(groups, escape);
  // A shared stage has one name in every copy, though an unnamed one's index (and so its label) may differ.
  const firstStages = (groups[0] as Group).stages;
  const sharedNames = new Map(
    firstStages.filter((stage) => shared.has(stage.from.source)).map((stage) => [stage.from.source, stage === firstStages[firstStages.length - 1] ? stage.name : stageLabel(stage)]),
  );
  const copies = groups.map((group) => named(group, sharedNames));
  const first = copies[0] as BuildCopy;
  const registry = new NameRegistry();
  for (const stage of first.stages) {
    const name = first.names[stage.index];
    if (shared.has(stage.from.source) && name !== null) registry.add(name as string, `stage "${stageLabel(stage)}"`, stage.location);
  }
  for (const copy of copies) {
    for (const stage of copy.own) registry.add(copy.names[stage.index] as string, `stage "${stageLabel(stage)}" for ${formatPlatform(copy.build)}`, stage.location);
  }

  const lasts = copies.map((copy) => copy.stages[copy.stages.length - 1] as StageDefinition);
  const finalShared = shared.has(first.stages[first.stages.length - 1]?.from.source as Instruction) ? (lasts[0] as StageDefinition) : null;
  if (finalShared === null) {
    for (const last of lasts) {
      const trigger = last.commands.find((command) => command.kind === "ONBUILD");
      if (trigger !== undefined) {
        throw new LoweringError(
          "cannot lower: the default target has ONBUILD triggers, and the lowered Dockerfile reaches it through an alias stage (FROM <stage>), where BuildKit would run them instead of keeping them in the image",
          trigger.source.range,
        );
      }
    }
  }
  // Likewise `--target name` through its alias: a named stage with triggers
  // gets no alias (a build for it then fails to find it, rather than run them).
  const withTriggers = new Set(copies.flatMap((copy) => copy.own.filter(hasTriggers).flatMap((stage) => (stage.name === null ? [] : [stage.name]))));
  const aliased = (copy: BuildCopy, stage: StageDefinition): boolean => stage.name !== null && copy.own.includes(stage) && !withTriggers.has(stage.name);

  const lastLabels = new Set(lasts.map(stageLabel));
  const lastNames = new Set(lasts.map((stage) => stage.name));
  const finalRange = (lasts[0] as StageDefinition).location;
  // One label for every copy's last stage makes it one more dispatched label;
  // otherwise the default target needs a dispatch name of its own.
  const common = finalShared === null && lastLabels.size === 1 ? ([...lastLabels][0] as string) : null;
  const dispatchedLabels = (copy: BuildCopy): string[] => {
    const labels = copy.stages.flatMap((stage) => (aliased(copy, stage) ? [stage.name as string] : []));
    if (common !== null && !labels.includes(common)) labels.push(common);
    return labels;
  };

  const memberAliases: AliasStage[] = [];
  for (const copy of copies) {
    for (const member of copy.members) {
      const suffix = suffixOf(member);
      if (suffix === copy.suffix) continue;
      for (const label of dispatchedLabels(copy)) {
        const stage = copy.stages.find((candidate) => stageLabel(candidate) === label) as StageDefinition;
        memberAliases.push({ base: `${label}-${copy.suffix}`, name: `${label}-${suffix}`, range: stage.location });
      }
    }
  }

  let finalLabel = common;
  if (finalLabel === null && finalShared === null) {
    const labels = new Set(copies.flatMap((copy) => copy.stages.map(stageLabel)));
    finalLabel = freshLabel("default", labels, registry, resolved);
    for (const copy of copies) {
      const last = copy.stages[copy.stages.length - 1] as StageDefinition;
      for (const member of copy.members) {
        memberAliases.push({ base: copy.names[last.index] as string, name: `${finalLabel}-${suffixOf(member)}`, range: last.location });
      }
    }
  }
  for (const alias of memberAliases) registry.add(alias.name as string, `the alias of ${alias.base} for TAGARCH`, alias.range);

  const finalName = finalShared === null && lastNames.size === 1 ? ([...lastNames][0] ?? null) : null;
  const nameAliases: AliasStage[] = [];
  const seen = new Set<string>();
  for (const copy of copies) {
    for (const stage of copy.stages) {
      if (!aliased(copy, stage) || stage.name === finalName || seen.has(stage.name as string)) continue;
      const name = stage.name as string;
      seen.add(name);
      nameAliases.push({ base: `${name}-${DISPATCH}`, name, range: stage.location });
    }
  }
  for (const alias of nameAliases) registry.add(alias.name as string, `the stage "${alias.name}" that --target picks`, alias.range);
  if (finalName !== null) registry.add(finalName, "the default target", finalRange);

  // Each dispatch must land on the intended stage for every requested
  // platform, or, where the name does not exist for that platform, on no stage.
  const dispatched = [...nameAliases.map((alias) => alias.name as string), ...(finalLabel === null ? [] : [finalLabel])];
  for (const { requested, setup } of resolved) {
    const copy = copies.find((candidate) => samePlatform(candidate.build, setup.platform)) as BuildCopy;
    const labels = new Set(dispatchedLabels(copy));
    for (const label of dispatched) {
      const name = `${label}-${suffixOf(requested)}`;
      if (labels.has(label) || label === finalLabel) continue;
      if (registry.has(name)) {
        throw new LoweringError(
          `cannot lower: for ${formatPlatform(requested)} the stage "${label}" does not exist, but the lowered Dockerfile would have a stage "${name}" (${registry.describe(name)}) that --target ${label} would pick; rename that stage`,
          registry.range(name),
        );
      }
      // The alias then names an image; BuildKit checks every stage's base, so it must at least be a valid reference.
      if (!isValidImageRef(name)) {
        const alias = nameAliases.find((candidate) => candidate.name === label) as AliasStage;
        throw new LoweringError(
          `cannot lower: the stage "${label}" does not exist for ${formatPlatform(requested)}, and its alias would then name "${name}", which is not a valid image reference; rename the stage`,
          alias.range,
        );
      }
    }
  }
  const final = finalShared !== null ? { shared: finalShared } : { base: `${finalLabel as string}-${DISPATCH}`, name: finalName, range: finalRange };
  return {
    copies,
    shared: first.stages.filter((stage) => shared.has(stage.from.source) && stage !== finalShared),
    memberAliases,
    nameAliases,
    final,
    targetStageVaries: lastNames.size > 1,
    names: registry.names(),
  };
}

/** A stage's own ONBUILD triggers are in its image config; an alias stage built FROM it would run them. */
const hasTriggers = (stage: StageDefinition): boolean => stage.commands.some((command) => command.kind === "ONBUILD");

interface Group {
  readonly build: Platform;
  readonly setup: TargetSetup;
  readonly members: Platform[];
  readonly pinned: boolean;
  readonly stages: readonly StageDefinition[];
}

function groupByBuild(resolved: readonly Resolved[], anchor: Range): Group[] {
  const groups: { build: Platform; setup: TargetSetup; members: Platform[] }[] = [];
  for (const { requested, setup } of resolved) {
    const group = groups.find((candidate) => samePlatform(candidate.build, setup.platform));
    if (group === undefined) groups.push({ build: setup.platform, setup, members: [requested] });
    else group.members.push(requested);
  }
  // A suffix names one build: `${TARGETARCH}${TARGETVARIANT}` cannot tell
  // linux/amd64 from windows/amd64, so both cannot be lowered together.
  const suffixes = new Map<string, Platform>();
  const claim = (platform: Platform, build: Platform): void => {
    // Normalized platform components are lower-case letters, digits, `_` and `-`: always a valid part of a stage name.
    const suffix = suffixOf(platform);
    const other = suffixes.get(suffix);
    if (other !== undefined && !samePlatform(other, build)) {
      throw new LoweringError(
        `cannot lower: ${formatPlatform(platform)} and another platform both have TARGETARCH+TARGETVARIANT "${suffix}" but need different builds (${formatPlatform(build)} and ${formatPlatform(other)})`,
        anchor,
      );
    }
    suffixes.set(suffix, build);
  };
  for (const group of groups) {
    claim(group.build, group.build);
    for (const member of group.members) claim(member, group.build);
  }
  return groups.map((group) => ({ ...group, pinned: group.members.some((member) => !samePlatform(member, group.build)), stages: group.setup.stages }));
}

function named(group: Group, sharedNames: ReadonlyMap<Instruction, string | null>): BuildCopy {
  const suffix = suffixOf(group.build);
  // A shared unnamed default target stays unnamed, as TARGETSTAGE has it.
  const names = group.stages.map((stage) => (sharedNames.has(stage.from.source) ? (sharedNames.get(stage.from.source) as string | null) : `${stageLabel(stage)}-${suffix}`));
  return {
    build: group.build,
    suffix,
    members: group.members,
    pinned: group.pinned,
    globalArgs: group.setup.globalArgs,
    stages: group.stages,
    names,
    own: group.stages.filter((stage) => !sharedNames.has(stage.from.source)),
  };
}

/** A label no copy uses whose dispatched names are all free. */
function freshLabel(base: string, labels: ReadonlySet<string>, registry: NameRegistry, resolved: readonly Resolved[]): string {
  for (let counter = 1; ; counter++) {
    const label = counter === 1 ? base : `${base}${counter}`;
    if (labels.has(label) || registry.has(label)) continue;
    if (resolved.some(({ requested }) => registry.has(`${label}-${suffixOf(requested)}`))) continue;
    return label;
  }
}

/** Every name of the lowered file, once: two stages of one name would make references ambiguous. */
class NameRegistry {
  private readonly entries = new Map<string, { readonly what: string; readonly range: Range }>();

  add(name: string, what: string, range: Range): void {
    if (!isValidStageName(name)) throw new LoweringError(`cannot lower: "${name}" (${what}) is not a valid stage name`, range);
    const existing = this.entries.get(name);
    if (existing !== undefined) {
      throw new LoweringError(`cannot lower: the lowered Dockerfile would name two stages "${name}": ${existing.what} and ${what}; rename one of them`, range, [
        { message: existing.what, range: existing.range },
      ]);
    }
    this.entries.set(name, { what, range });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  describe(name: string): string {
    return this.entries.get(name)?.what ?? name;
  }

  range(name: string): Range {
    return (this.entries.get(name) as { range: Range }).range;
  }

  names(): ReadonlySet<string> {
    return new Set(this.entries.keys());
  }
}
