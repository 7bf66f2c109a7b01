/**
 * What the compiles of one file's targets share: every target converts the
 * same instructions to commands, names the same steps and checks the same
 * image names, so each is done once per file. Whoever compiles the targets
 * (a plan, the linter) owns one and drops it with the file.
 *
 * These were module-level WeakMaps keyed by instruction. Linting the corpus,
 * 2.4 MB survived each minor collection with them and 0.2 MB without: once
 * a scavenge had promoted a file's instructions, their entries (and all a
 * command references) stayed alive until the next full collection.
 */
import type { Instruction } from "../syntax/ast.js";
import type { Command } from "./instructions/index.js";

export class CompileMemo {
  readonly commands = new Map<Instruction, Command>();
  /** An instruction's text on one line, for step names. */
  readonly foldedTexts = new Map<Instruction, string>();
  /** Image names as normalized references; null for an invalid one (every stage's base is checked before the build). */
  readonly imageRefs = new Map<string, string | null>();

  clear(): void {
    this.commands.clear();
    this.foldedTexts.clear();
    this.imageRefs.clear();
  }
}
