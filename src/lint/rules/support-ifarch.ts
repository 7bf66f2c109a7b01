/**
 * IFARCH/TAGARCH helpers for the rules: name resolution that never throws,
 * the platform a name stands for, and whether a block keeps a platform
 * (the compiler's rule, restated without its errors).
 */
import { archMatches, resolveArchName, type ArchSelector, type Platform } from "../../platform/index.js";
import type { ArchBlock, ArchName, Statement, TagArchInstruction } from "../../syntax/ast.js";

export function selectorOf(arch: ArchName): ArchSelector | undefined {
  return resolveArchName(arch.name);
}

/** The platform a name selects (any variant: the architecture alone). */
export function platformOfName(arch: ArchName, os = "linux"): Platform | undefined {
  const selector = selectorOf(arch);
  if (selector === undefined) return undefined;
  return selector.variant === null ? { os, architecture: selector.architecture } : { os, architecture: selector.architecture, variant: selector.variant };
}

/** Whether a block keeps a platform; undefined when one of its names is unknown. */
export function blockKeeps(archs: readonly ArchName[], platform: Platform): boolean | undefined {
  const selectors = archs.map((arch) => ({ arch, selector: selectorOf(arch) }));
  if (selectors.some((entry) => entry.selector === undefined)) return undefined;
  const plain = selectors.filter((entry) => !entry.arch.negated);
  const matches = (entry: { selector: ArchSelector | undefined }): boolean => entry.selector !== undefined && archMatches(entry.selector, platform);
  return (plain.length === 0 || plain.some(matches)) && !selectors.some((entry) => entry.arch.negated && matches(entry));
}

/** Every TAGARCH with the IFARCH blocks around it, outermost first. */
export function tagArchesWithBlocks(statements: readonly Statement[], enclosing: readonly ArchBlock[] = []): { tag: TagArchInstruction; blocks: readonly ArchBlock[] }[] {
  return statements.flatMap((statement) => {
    if (statement.kind === "ARCH_BLOCK") return tagArchesWithBlocks(statement.body, [...enclosing, statement]);
    if (statement.kind === "TAGARCH") return [{ tag: statement, blocks: enclosing }];
    return [];
  });
}

export function archList(archs: readonly ArchName[]): string {
  return archs.map((arch) => `${arch.negated ? "!" : ""}${arch.name}`).join(" ");
}
