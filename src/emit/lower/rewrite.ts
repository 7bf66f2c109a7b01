/**
 * One build platform's copy of the stages, with every stage reference
 * pointed at the copy's names: FROM, COPY --from and RUN --mount from=.
 * Whatever could still name a stage in a way lowering cannot follow (a
 * variable, a name that now means a different stage, an ONBUILD trigger
 * that runs inside this file) is refused here, as is anything that would
 * read a different value once a TAGARCH member builds a pinned copy.
 */
import { csvFields } from "../../compile/instructions/csv.js";
import type { Command, FromCommand } from "../../compile/instructions/index.js";
import { literalValue } from "../../compile/instructions/literal.js";
import { findStage, stageLabel, type StageDefinition } from "../../compile/stages.js";
import { formatPlatform } from "../../platform/index.js";
import type { EscapeChar, Flag, Instruction, Range, Word, WordsInstruction } from "../../syntax/ast.js";
import { LoweringError } from "./errors.js";
import type { BuildCopy } from "./layout.js";
import { expansionPattern, isMountSource, mayRead } from "./words.js";

export interface CopyContext {
  readonly copy: BuildCopy;
  readonly escape: EscapeChar;
  /** Every stage name of the lowered file (COPY --from sees stages anywhere). */
  readonly allNames: ReadonlySet<string>;
  /** Stage names of the lowered file before the stages being rewritten (FROM sees only earlier stages). */
  readonly namesBefore: ReadonlySet<string>;
  /** Names whose value differs between the platforms a pinned copy serves; null when the copy is not pinned. */
  readonly memberVarying: ReadonlySet<string> | null;
  /** Names that read TARGETSTAGE, when the default target's name differs between builds; else null. */
  readonly stageVarying: ReadonlySet<string> | null;
  /** The FROM instructions of the stages that some stage, in some copy, is built FROM. */
  readonly usedAsBase: ReadonlySet<Instruction>;
}

/** `stages` of the context's copy, in order, as instructions to print, each list starting with its FROM. */
export function rewriteStages(context: CopyContext, stages: readonly StageDefinition[]): Instruction[][] {
  const { copy } = context;
  const before = new Set(context.namesBefore);
  return stages.map((stage) => {
    const from = rewriteFrom(context, stage, baseStageOf(copy.stages, stage, context.escape), before);
    const name = copy.names[stage.index];
    if (name !== null && name !== undefined) before.add(name);
    const usedAsBase = context.usedAsBase.has(stage.from.source);
    return [from, ...stage.commands.map((command) => rewriteCommand(context, stage, command, usedAsBase))];
  });
}

/** The FROM instructions of every stage that a FROM names, in any of `copies`. */
export function basesUsed(copies: readonly BuildCopy[], escape: EscapeChar): Set<Instruction> {
  const bases = new Set<Instruction>();
  for (const copy of copies) {
    for (const stage of copy.stages) {
      const base = baseStageOf(copy.stages, stage, escape);
      if (base !== undefined) bases.add(base.from.source);
    }
  }
  return bases;
}

/** The earlier stage a FROM names, as the compiler decides it (only a literal name can). */
function baseStageOf(stages: readonly StageDefinition[], stage: StageDefinition, escape: EscapeChar): StageDefinition | undefined {
  const image = stage.from.image;
  const literal = literalValue(image.value, escape, image.range);
  return literal === undefined ? undefined : findStage(stages, literal, false, stage.index);
}

function rewriteFrom(context: CopyContext, stage: StageDefinition, base: StageDefinition | undefined, before: ReadonlySet<string>): WordsInstruction {
  const { copy } = context;
  const from = stage.from;
  const where = `for ${formatPlatform(copy.build)}`;
  for (const word of [from.image, from.platform]) {
    if (word === null) continue;
    if (context.memberVarying !== null && mayRead(word.value, context.memberVarying)) {
      throw new LoweringError(
        `cannot lower "${from.source.original}": the ${formatPlatform(copy.build)} build serves ${members(copy)} (TAGARCH), and in a standard Dockerfile BuildKit gives each of them its own TARGETPLATFORM, TARGETARCH, … in FROM lines`,
        word.range,
      );
    }
    if (context.stageVarying !== null && mayRead(word.value, context.stageVarying)) throw targetStageVaries(word.range);
  }
  let image = from.image.value;
  if (base !== undefined) {
    image = referenceTo(copy, base, `FROM ${from.image.value}`, from.image.range);
  } else {
    const literal = literalValue(from.image.value, context.escape, from.image.range);
    // FROM sees earlier stages only: a variable must not be able to name one, then or now.
    if (literal === undefined) {
      const pattern = expansionPattern(from.image.value, context.escape);
      const hit = [...before, ...namesOf(copy.stages.slice(0, stage.index))].find((name) => pattern.test(name));
      if (hit !== undefined) throw variableReference(`FROM ${from.image.value}`, hit, from.image.range);
    } else if (before.has(literal.toLowerCase())) {
      throw new LoweringError(
        `cannot lower: "FROM ${literal}" names an image ${where}, but in the lowered Dockerfile an earlier stage is called "${literal.toLowerCase()}"; rename that stage`,
        from.image.range,
      );
    }
  }
  const flags = [...from.source.flags];
  // A FROM <stage> keeps its base's platform whatever its flag says; only image and scratch bases need the pin.
  if (copy.pinned && base === undefined && from.platform === null) flags.unshift(pinFlag(context, from));
  const name = copy.names[stage.index] ?? null;
  const imageWord = { value: image, range: from.image.range };
  if (name === null) return { ...from.source, flags, args: [imageWord] };
  const as = from.source.args.length === 3 ? (from.source.args[1] as Word) : { value: "AS", range: from.source.range };
  return { ...from.source, flags, args: [imageWord, as, { value: name, range: from.stageName?.range ?? from.source.range }] };
}

/** `--platform=<build platform>` (a formatted platform parses back to itself: test/platform's round-trip property). */
function pinFlag(context: CopyContext, from: FromCommand): Flag {
  return { name: "platform", value: formatPlatform(context.copy.build), range: from.source.range };
}

function rewriteCommand(context: CopyContext, stage: StageDefinition, command: Command, usedAsBase: boolean): Instruction {
  switch (command.kind) {
    case "ARG":
      for (const arg of command.args) checkArgName(context, arg.name, arg.range);
      return command.source;
    case "COPY": {
      if (command.from === null) return command.source;
      const renamed = renameReference(context, command.from.value, command.from.range, "copy");
      if (renamed === null) return command.source;
      return { ...command.source, flags: command.source.flags.map((flag) => (flag.name === "from" ? { ...flag, value: renamed } : flag)) };
    }
    case "RUN": {
      const flags = command.source.flags.map((flag) => (flag.name === "mount" && flag.value !== null ? renameMountSource(context, flag) : flag));
      return flags.every((flag, index) => flag === command.source.flags[index]) ? command.source : { ...command.source, flags };
    }
    case "ONBUILD":
      checkTrigger(context, stage, command.source.trigger, usedAsBase);
      return command.source;
    default:
      return command.source;
  }
}

function checkArgName(context: CopyContext, name: string, range: Range): void {
  if (context.memberVarying?.has(name) === true) {
    throw new LoweringError(
      `cannot lower "ARG ${name}": the ${formatPlatform(context.copy.build)} build serves ${members(context.copy)} (TAGARCH), and in a standard Dockerfile BuildKit gives each of them its own value of ${name}`,
      range,
    );
  }
  if (context.stageVarying?.has(name) === true) throw targetStageVaries(range);
}

/**
 * A stage's ONBUILD triggers run in the stages built FROM it, inside this
 * file, where the names they use no longer mean the same stages; and in a
 * pinned copy a trigger's ARG would read each member's own value.
 */
function checkTrigger(context: CopyContext, stage: StageDefinition, trigger: Instruction | null, usedAsBase: boolean): void {
  if (trigger === null || !usedAsBase) return;
  if (trigger.kind === "ARG") {
    for (const arg of trigger.args) checkArgName(context, arg.name, trigger.range);
  }
  const naming = trigger.flags.find(
    (flag) => (trigger.kind === "COPY" && flag.name === "from") || (trigger.kind === "RUN" && flag.name === "mount" && flag.value !== null && hasMountSource(flag.value)),
  );
  if (naming !== undefined) {
    throw new LoweringError(
      `cannot lower: this ONBUILD trigger names a stage or image, and it runs in the stages built FROM "${stageLabel(stage)}", where lowering has renamed the stages`,
      naming.range,
    );
  }
}

/** Whether a `--mount` value has a `from=` field. */
function hasMountSource(value: string): boolean {
  const fields = csvFields(value);
  return Array.isArray(fields) && fields.some(isMountSource);
}

function renameMountSource(context: CopyContext, flag: Flag): Flag {
  const fields = csvFields(flag.value as string);
  if (!Array.isArray(fields)) return flag;
  let changed = false;
  const rewritten = fields.map((field) => {
    if (!isMountSource(field)) return field;
    const equals = field.indexOf("=");
    // The compiler uses the value as written (BuildKit refuses variables here); empty means the build context.
    const raw = field.slice(equals + 1);
    if (literalValue(raw, context.escape, flag.range) === "") return field;
    const renamed = renameReference(context, raw, flag.range, "mount");
    if (renamed === null) return field;
    changed = true;
    return `${field.slice(0, equals)}=${renamed}`;
  });
  return changed ? { ...flag, value: rewritten.map(csvField).join(",") } : flag;
}

/** A field written so that the CSV reader returns it unchanged. */
function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/**
 * The lowered name for a `--from` / `from=` reference to a stage, or null
 * for an image (kept as written). These references see every stage of the
 * file, before or after, as the compiler's lookup does.
 */
function renameReference(context: CopyContext, raw: string, range: Range, use: "copy" | "mount"): string | null {
  const { copy } = context;
  const what = use === "copy" ? `COPY --from=${raw}` : `RUN --mount=from=${raw}`;
  const literal = use === "copy" ? literalValue(raw, context.escape, range) : raw;
  if (literal === undefined) {
    // Anything the variable could expand to: a stage name now or then, or an index.
    const pattern = expansionPattern(raw, context.escape);
    const candidates = [...context.allNames, ...namesOf(copy.stages), ...Array.from({ length: context.allNames.size + copy.stages.length }, (_, index) => String(index))];
    const hit = candidates.find((name) => pattern.test(name));
    if (hit !== undefined) throw variableReference(what, hit, range);
    if (copy.pinned) throw pinnedImage(context, what, range);
    return null;
  }
  const found = findStage(copy.stages, literal, true);
  if (found !== undefined) return referenceTo(copy, found, what, range);
  if (/^[0-9]+$/.test(literal)) {
    throw new LoweringError(`cannot lower "${what}": ${formatPlatform(copy.build)} has no stage ${literal}, and the lowered Dockerfile has more stages`, range);
  }
  if (context.allNames.has(literal.toLowerCase())) {
    throw new LoweringError(
      `cannot lower "${what}": it names an image for ${formatPlatform(copy.build)}, but the lowered Dockerfile has a stage "${literal.toLowerCase()}"; rename that stage`,
      range,
    );
  }
  if (copy.pinned) throw pinnedImage(context, what, range);
  return null;
}

/** The lowered name of a stage that something refers to. */
function referenceTo(copy: BuildCopy, stage: StageDefinition, what: string, range: Range): string {
  const name = copy.names[stage.index];
  // Only the unnamed default target has no name, and only a broken file refers to the last stage.
  if (name === null || name === undefined) throw new LoweringError(`cannot lower "${what}": it refers to the last stage, which no stage can use`, range);
  return name;
}

function namesOf(stages: readonly StageDefinition[]): string[] {
  return stages.flatMap((stage) => (stage.name === null ? [] : [stage.name]));
}

function members(copy: BuildCopy): string {
  return copy.members.map(formatPlatform).join(", ");
}

function variableReference(what: string, hit: string, range: Range): LoweringError {
  return new LoweringError(
    `cannot lower "${what}": through its variables it could name the stage "${hit}", and lowering renames stages; name the stage literally, or give the image a literal registry or repository part`,
    range,
  );
}

function pinnedImage(context: CopyContext, what: string, range: Range): LoweringError {
  return new LoweringError(
    `cannot lower "${what}": the ${formatPlatform(context.copy.build)} build serves ${members(context.copy)} (TAGARCH), and BuildKit pulls an image named in --from for each of them; copy from a stage FROM that image instead`,
    range,
  );
}

function targetStageVaries(range: Range): LoweringError {
  return new LoweringError(
    "cannot lower: this reads TARGETSTAGE, and the default target stage has a different name for different platforms, which one standard Dockerfile cannot keep",
    range,
  );
}
