/**
 * IFARCH blocks for one target: which instructions a target keeps, and
 * whether a TAGARCH makes it share one build with other architectures.
 *
 * A block is kept when the target matches one of its plain names (or it has
 * none) and none of its `!names`. A TAGARCH in a kept block applies to a
 * target whose architecture it lists: all the architectures it lists are then
 * served by one build, made for the one platform that every listed
 * architecture can run (for `TAGARCH arm7 arm8 arm8.1 rpi` that is arm/v6:
 * ARMv7 and 64-bit ARM cores run ARMv6 code, not the other way round). That
 * build is the same for each of them, so the planner builds it once.
 */
import { archMatches, canRun, nearestArchName, resolveArchName, samePlatform, type ArchSelector, type Platform } from "../platform/index.js";
import type { ArchName, Instruction, Statement, TagArchInstruction } from "../syntax/ast.js";
import { CompileError } from "./errors.js";

export interface ArchResolution {
  /** The instructions the target keeps, in order, without block delimiters. */
  readonly instructions: readonly Instruction[];
  /** The TAGARCH that applies to the target, if any, and the platform its shared build is made for. */
  readonly tag: { readonly instruction: TagArchInstruction; readonly buildPlatform: Platform } | null;
}

function selectorOf(arch: ArchName): ArchSelector {
  const selector = resolveArchName(arch.name);
  if (selector === undefined) {
    const suggestion = nearestArchName(arch.name);
    throw new CompileError(
      `unknown architecture "${arch.name}"${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}`,
      arch.range,
    );
  }
  return selector;
}

/** Checks every architecture name in every block, kept or not, so that a typo fails for all targets alike. */
export function checkArchNames(statements: readonly Statement[]): void {
  for (const statement of statements) {
    if (statement.kind === "ARCH_BLOCK") {
      statement.open.archs.forEach(selectorOf);
      checkArchNames(statement.body);
    } else if (statement.kind === "TAGARCH") {
      statement.archs.forEach(selectorOf);
    }
  }
}

function blockKeeps(archs: readonly ArchName[], target: Platform): boolean {
  const plain = archs.filter((arch) => !arch.negated);
  const matches = (arch: ArchName): boolean => archMatches(selectorOf(arch), target);
  return (plain.length === 0 || plain.some(matches)) && !archs.some((arch) => arch.negated && matches(arch));
}

export function resolveArchBlocks(statements: readonly Statement[], target: Platform): ArchResolution {
  const instructions: Instruction[] = [];
  const tags: TagArchInstruction[] = [];
  const visit = (list: readonly Statement[]): void => {
    for (const statement of list) {
      if (statement.kind === "ARCH_BLOCK") {
        if (blockKeeps(statement.open.archs, target)) visit(statement.body);
      } else if (statement.kind === "TAGARCH") {
        if (statement.archs.some((arch) => archMatches(selectorOf(arch), target))) tags.push(statement);
      } else {
        instructions.push(statement);
      }
    }
  };
  visit(statements);
  return { instructions, tag: sharedBuild(tags, target) };
}

function sharedBuild(tags: readonly TagArchInstruction[], target: Platform): ArchResolution["tag"] {
  let chosen: ArchResolution["tag"] = null;
  for (const instruction of tags) {
    const buildPlatform = tagBuildPlatform(instruction, target.os);
    if (chosen !== null && !samePlatform(chosen.buildPlatform, buildPlatform)) {
      throw new CompileError(`TAGARCH groups disagree for ${target.architecture}: one build cannot serve both`, instruction.range, [
        { message: "the other TAGARCH", range: chosen.instruction.range },
      ]);
    }
    chosen ??= { instruction, buildPlatform };
  }
  return chosen;
}

/** The platform of the one build that every architecture a TAGARCH lists can run. */
function tagBuildPlatform(instruction: TagArchInstruction, os: string): Platform {
  const members = instruction.archs.map((arch) => selectorPlatform(selectorOf(arch), os));
  const common = members.find((candidate) => members.every((member) => canRun(member, candidate)));
  if (common === undefined) {
    throw new CompileError(
      `TAGARCH lists architectures that cannot run one build (${instruction.archs.map((arch) => arch.name).join(", ")})`,
      instruction.range,
    );
  }
  return common;
}

function selectorPlatform(selector: ArchSelector, os: string): Platform {
  return selector.variant === null ? { os, architecture: selector.architecture } : { os, architecture: selector.architecture, variant: selector.variant };
}
