/**
 * Lowering: a Dockerfile that uses IFARCH / ENDIFARCH / TAGARCH turned into a
 * standard Dockerfile that BuildKit builds unchanged for a given list of
 * platforms, and that dfc plans to the same work (the same exec vertices,
 * by digest) for each of them.
 *
 * Why this shape. BuildKit has no conditionals, but the automatic platform
 * ARGs may be used in FROM lines, so a stage can pick another by name:
 * `FROM app-${TARGETARCH}${TARGETVARIANT}`. That is the pattern BuildKit's
 * maintainers recommend for per-architecture steps, and lowering produces it:
 *
 * - The compiler resolves IFARCH for each requested platform (a TAGARCH
 *   member resolves as its group's build platform); each distinct build
 *   platform gets a self-contained copy of its stages, named
 *   `<name or stage-N>-<arch><variant>`, with every FROM, COPY --from and
 *   RUN --mount from= pointed at the copy's own names.
 * - Alias stages at the end dispatch on `${TARGETARCH}${TARGETVARIANT}`: one
 *   per original stage name, so `--target name` still works, and last the
 *   default target, so a plain build still builds what it did.
 * - A TAGARCH copy serves platforms other than its own, so its FROM lines
 *   are pinned with `--platform=<build platform>` and each member gets an
 *   alias of its own suffix for the group's stages. BuildKit then builds the
 *   group's work once, for the one platform every member runs. (The pinned
 *   stage's name contains its architecture, which keeps BuildKit's
 *   FromPlatformFlagConstDisallowed check quiet.)
 * - A stage that is the same for every build (same instructions, and only
 *   such stages or the same images referenced) is printed once, under its
 *   own name, when no copy is pinned: the file stays close to the original.
 *
 * Limits (each refused with a LoweringError at the offending instruction,
 * never emitted wrong):
 * - A pinned TAGARCH copy must not read TARGETPLATFORM, TARGETOS, TARGETARCH
 *   or TARGETVARIANT (a stage ARG, a FROM line, or a global ARG derived from
 *   them): dfc compiles the group as its build platform, but BuildKit gives
 *   every published platform its own values. Nor may it name an image in
 *   COPY --from / RUN --mount from=: BuildKit pulls that for each member.
 * - A reference whose variables could expand to a stage name (`FROM ${BASE}`)
 *   cannot follow the renaming; a literal registry or repository part
 *   (`docker.io/library/${BASE}`) shows it is an image.
 * - Global ARGs must be the same for every build platform, and must not give
 *   TARGETARCH or TARGETVARIANT a default (the dispatch reads them; so a
 *   `--build-arg` for either breaks the dispatch too, unchecked).
 * - Two requested platforms with the same architecture and variant but a
 *   different build (linux/amd64 with windows/amd64) share a suffix.
 * - An alias stage is `FROM <stage>`, which runs that stage's own ONBUILD
 *   triggers: a default target with triggers is refused, and a named stage
 *   with triggers gets no `--target` alias (such a build then fails to find
 *   the stage rather than run them). Triggers that name stages and run
 *   inside the file are refused too.
 * - Stage names must stay unique after renaming, and a name missing for a
 *   platform must leave its alias a valid image reference; a TARGETSTAGE
 *   read is refused when the default target's name differs by platform.
 *
 * Also worth knowing: the lowered file is right only for the platforms it
 * was lowered for. Built for another one, or with `--target` a stage that
 * does not exist for that platform, `<label>-<arch>` names no stage and
 * BuildKit treats it as an image name (the pull fails). Base images'
 * ONBUILD triggers are unknown offline and cannot be checked. Comments above
 * IFARCH lines move into their block; those above ENDIFARCH and TAGARCH are
 * dropped with the lines.
 */
import { TARGET_PLATFORM_ARGS } from "../compile/args.js";
import { setUpTarget, type TargetSetup } from "../compile/compile.js";
import { CompileMemo } from "../compile/memo.js";
import type { ArgCommand } from "../compile/instructions/index.js";
import type { StageDefinition } from "../compile/stages.js";
import { uniqueSorted } from "../plan/plan.js";
import { formatPlatform, samePlatform, type Platform } from "../platform/index.js";
import type { Dockerfile, Instruction, Statement } from "../syntax/ast.js";
import type { Range } from "../syntax/position.js";
import { printDockerfile } from "../syntax/printer.js";
import { LoweringError } from "./lower/errors.js";
import { aliases, carryBlockComments, printChunks, withComments } from "./lower/print.js";
import { layOut, type BuildCopy, type Resolved } from "./lower/layout.js";
import { basesUsed, rewriteStages, type CopyContext } from "./lower/rewrite.js";
import { mayRead } from "./lower/words.js";

export { LoweringError } from "./lower/errors.js";

/**
 * The standard Dockerfile for `platforms`. Throws LoweringError when the
 * file cannot be lowered faithfully, and the compiler's CompileError when it
 * does not compile for one of the platforms.
 */
export function lowerDockerfile(dockerfile: Dockerfile, platforms: readonly Platform[]): string {
  const anchor = firstBlock(dockerfile.body);
  if (anchor === undefined) return printDockerfile(dockerfile);
  const carried = { ...dockerfile, body: carryBlockComments(dockerfile.body) };
  const requested = uniqueSorted(platforms);
  if (requested.length === 0) throw new RangeError("lowerDockerfile needs at least one platform");
  const memo = new CompileMemo();
  const resolved: Resolved[] = requested.map((platform) => ({ requested: platform, setup: setUpTarget(carried, platform, null, memo) }));
  const first = resolved[0] as Resolved;
  // Every platform sees the same instructions and builds as itself (no
  // TAGARCH, or one whose build platform is the target's): dropping the blocks is enough.
  const plain = resolved.every(({ requested: platform, setup }) => samePlatform(setup.platform, platform) && sameList(instructionsOf(setup), instructionsOf(first.setup)));
  if (plain) return printDockerfile({ ...carried, body: instructionsOf(first.setup) });
  return lowerPerBuild(carried, resolved, anchor);
}

function lowerPerBuild(dockerfile: Dockerfile, resolved: readonly Resolved[], anchor: Range): string {
  const escape = dockerfile.escape;
  const layout = layOut(resolved, anchor, escape);
  const globalArgs = commonGlobalArgs(layout.copies.map((copy) => copy.globalArgs));
  // The target's own ARGs: a TAGARCH member would see its own values.
  const memberVarying = derivedNames(globalArgs, TARGET_PLATFORM_ARGS);
  const stageVarying = layout.targetStageVaries ? derivedNames(globalArgs, ["TARGETSTAGE"]) : null;
  const usedAsBase = basesUsed(layout.copies, escape);
  const first = layout.copies[0] as BuildCopy;
  const context = (copy: BuildCopy, namesBefore: ReadonlySet<string>): CopyContext => ({
    copy,
    escape,
    allNames: layout.names,
    namesBefore,
    memberVarying: copy.pinned ? memberVarying : null,
    stageVarying,
    usedAsBase,
  });

  const chunks: Instruction[][] = [];
  // An instruction copied for several build platforms keeps its comments
  // array: print its comments with the first copy only.
  const printed = new Set<readonly string[]>();
  const push = (chunk: readonly Instruction[], note: readonly string[] = []): void => {
    const once = chunk.map((instruction): Instruction => {
      if (instruction.comments.length === 0) return instruction;
      if (printed.has(instruction.comments)) return { ...instruction, comments: [] };
      printed.add(instruction.comments);
      return instruction;
    });
    chunks.push(withComments(once, note));
  };
  if (globalArgs.length > 0) push(globalArgs.map((command) => command.source));

  const before = new Set<string>();
  const emit = (copy: BuildCopy, stages: readonly StageDefinition[], note: readonly string[]): void => {
    rewriteStages(context(copy, before), stages).forEach((stage, index) => push(stage, index === 0 ? note : []));
    for (const stage of stages) {
      const name = copy.names[stage.index];
      if (name !== null && name !== undefined) before.add(name);
    }
  };
  emit(first, layout.shared, ["The same for every platform."]);
  for (const copy of layout.copies) {
    const served = copy.members.map(formatPlatform).join(", ");
    emit(copy, copy.own, copy.pinned ? [`For ${formatPlatform(copy.build)}, pinned: one build published as ${served} (TAGARCH).`] : [`For ${served}.`]);
  }
  if (layout.memberAliases.length > 0) push(aliases(layout.memberAliases), ["TAGARCH members use their group's build."]);
  if (layout.nameAliases.length > 0) push(aliases(layout.nameAliases), ["Each stage name picks the copy for the target platform (--target NAME)."]);
  if ("shared" in layout.final) emit(first, [layout.final.shared], ["The default target, the same for every platform."]);
  else push(aliases([layout.final]), ["The default target."]);

  const platformList = resolved.map(({ requested }) => formatPlatform(requested)).join(", ");
  const header = [
    `Lowered by dfc from IFARCH/TAGARCH for ${platformList}:`,
    "stages that differ by platform have a copy per build platform, and the",
    "last stages pick one with ${TARGETARCH}${TARGETVARIANT}. Build it for",
    "these platforms only.",
  ];
  chunks[0] = withComments(chunks[0] as Instruction[], header);
  return printChunks(dockerfile, chunks);
}

/** Global ARGs are printed once, above every copy, so every build platform must see the same ones. */
function commonGlobalArgs(lists: readonly (readonly ArgCommand[])[]): readonly ArgCommand[] {
  const first = lists[0] as readonly ArgCommand[];
  for (const list of lists) {
    const length = Math.max(list.length, first.length);
    for (let index = 0; index < length; index++) {
      const a = first[index];
      const b = list[index];
      if (a?.source === b?.source) continue;
      throw new LoweringError(
        "cannot lower: the global ARGs (before the first FROM) differ between build platforms, and a standard Dockerfile has one set for all",
        (a ?? b)?.source.range as Range,
      );
    }
  }
  for (const command of first) {
    for (const arg of command.args) {
      if ((arg.name === "TARGETARCH" || arg.name === "TARGETVARIANT") && arg.value !== null) {
        throw new LoweringError(`cannot lower "ARG ${arg.name}=${arg.value}": the lowered stages pick their copy by \${TARGETARCH}\${TARGETVARIANT}, which this default would change`, arg.range);
      }
    }
  }
  return first;
}

/** `seed` and every global ARG whose default may read one of them, directly or through another. */
function derivedNames(globalArgs: readonly ArgCommand[], seed: readonly string[]): ReadonlySet<string> {
  const names = new Set(seed);
  for (const command of globalArgs) {
    for (const arg of command.args) if (arg.value !== null && mayRead(arg.value, names)) names.add(arg.name);
  }
  return names;
}

function instructionsOf(setup: TargetSetup): Instruction[] {
  return [...setup.globalArgs.map((command) => command.source), ...setup.stages.flatMap((stage) => [stage.from.source, ...stage.commands.map((command) => command.source)])];
}

function sameList(a: readonly Instruction[], b: readonly Instruction[]): boolean {
  return a.length === b.length && a.every((instruction, index) => instruction === b[index]);
}

function firstBlock(statements: readonly Statement[]): Range | undefined {
  for (const statement of statements) if (statement.kind === "ARCH_BLOCK") return statement.open.range;
  return undefined;
}
