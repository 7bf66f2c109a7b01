/**
 * Stages that need no copy per build platform: the same instructions for
 * every build, referring only to stages that are shared too (or to the same
 * images). Emitted once under their own name, they keep the lowered file
 * close to the original; BuildKit would have built identical copies once
 * anyway, so this changes only the text.
 *
 * Only when no copy is pinned for TAGARCH: a shared stage is compiled for
 * whichever platform is being built, and a pinned copy's stages must be
 * compiled for its group's platform instead.
 */
import { csvFields } from "../../compile/instructions/csv.js";
import { literalValue } from "../../compile/instructions/literal.js";
import { findStage, type StageDefinition } from "../../compile/stages.js";
import type { EscapeChar, Instruction } from "../../syntax/ast.js";
import { isMountSource } from "./words.js";

/** The copies' stages, as far as sharing is concerned. */
export interface CopyStages {
  readonly pinned: boolean;
  readonly stages: readonly StageDefinition[];
}

/**
 * The FROM instructions of the stages to emit once, in source order. A
 * stage is the same in two copies when it has the same FROM instruction
 * (the compiler resolves IFARCH to the very same instruction objects).
 */
export function sharedStages(copies: readonly CopyStages[], escape: EscapeChar): Set<Instruction> {
  const shared = new Set<Instruction>();
  const [first] = copies;
  if (first === undefined || copies.length < 2 || copies.some((copy) => copy.pinned)) return shared;
  for (const stage of first.stages) {
    const peers = copies.map((copy) => copy.stages.find((candidate) => candidate.from.source === stage.from.source));
    if (!peers.every((peer) => peer !== undefined && sameCommands(peer, stage))) continue;
    const keys = peers.map((peer, index) => referenceKeys((copies[index] as CopyStages).stages, peer as StageDefinition, escape, shared));
    if (keys.every((list) => list !== null && list.join("\n") === (keys[0] as string[]).join("\n"))) shared.add(stage.from.source);
  }
  // The default target is either one shared stage for every copy (printed
  // last, for itself) or per copy; a shared stage that is the last stage of
  // only some copies would have to be both.
  const lasts = copies.map((copy) => (copy.stages[copy.stages.length - 1] as StageDefinition).from.source);
  if (!lasts.every((last) => last === lasts[0])) for (const last of lasts) shared.delete(last);
  return shared;
}

function sameCommands(a: StageDefinition, b: StageDefinition): boolean {
  return a.commands.length === b.commands.length && a.commands.every((command, index) => command.source === b.commands[index]?.source);
}

/**
 * What each stage reference of `stage` means in its copy, in order: the
 * shared stage it names, or the text it names an image (or variable) by.
 * Null when it names a stage that is not shared.
 */
function referenceKeys(stages: readonly StageDefinition[], stage: StageDefinition, escape: EscapeChar, shared: ReadonlySet<Instruction>): string[] | null {
  const keys: string[] = [];
  let ok = true;
  const key = (found: StageDefinition | undefined, text: string): void => {
    if (found === undefined) keys.push(`image ${text}`);
    else if (shared.has(found.from.source)) keys.push(`stage ${found.from.source.range.start.offset}`);
    else ok = false;
  };
  const image = stage.from.image;
  const base = literalValue(image.value, escape, image.range);
  key(base === undefined ? undefined : findStage(stages, base, false, stage.index), image.value);
  for (const command of stage.commands) {
    if (command.kind === "COPY" && command.from !== null) {
      const literal = literalValue(command.from.value, escape, command.from.range);
      key(literal === undefined ? undefined : findStage(stages, literal, true), command.from.value);
    } else if (command.kind === "RUN") {
      for (const flag of command.source.flags) {
        const fields = flag.name === "mount" && flag.value !== null ? csvFields(flag.value) : [];
        if (!Array.isArray(fields)) continue;
        for (const field of fields) {
          if (!isMountSource(field)) continue;
          const raw = field.slice(field.indexOf("=") + 1);
          key(findStage(stages, raw, true), raw);
        }
      }
    }
  }
  return ok ? keys : null;
}
