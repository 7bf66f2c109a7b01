/**
 * The shell text of a Dockerfile's commands, parsed once, with a way back
 * from offsets in that text to source ranges.
 *
 * A RUN's shell-form text is its lines joined (continuations, and the
 * comment and blank lines inside them, removed), so an offset in it is
 * mapped back by walking the physical lines the way the line reader joined
 * them; if that walk does not reproduce the text, ranges fall back to the
 * whole script. Heredoc bodies are raw source, and exec-form arguments map
 * one to one when they hold no JSON escapes.
 */
import { TARGET_PLATFORM_ARGS } from "../../compile/args.js";
import type { CommandForm, Heredoc, Instruction, Word } from "../../syntax/ast.js";
import { lineStartsOf, SourceLocator, type Range } from "../../syntax/position.js";
import type { LintContext, Step, TargetView } from "../context.js";
import { MemoKey } from "../memo.js";
import { commandName, parseShell, type ShellScript } from "../../shell/script.js";

/** What a piece of shell text is to the build. */
export type ScriptRole =
  /** Shell code run by RUN (its text, or a heredoc run as the script). */
  | "run"
  /** A heredoc fed to some other command; its `$VARS` are expanded by the shell when `expand`. */
  | "data"
  /** Shell code run when the container starts (CMD, ENTRYPOINT, HEALTHCHECK). */
  | "runtime";

export interface ScriptText {
  readonly role: ScriptRole;
  readonly text: string;
  /** Parsed as shell; for `data` heredocs only the references matter. */
  readonly script: ShellScript;
  /** For heredocs: the body is expanded by the shell (unquoted name) or run as a script. */
  readonly expands: boolean;
  readonly instruction: Instruction;
  readonly heredoc: Heredoc | null;
  range(start: number, end: number): Range;
}

interface SourceView {
  readonly text: string;
  readonly locator: SourceLocator;
  readonly escape: string;
}

const VIEW = new MemoKey<SourceView>();
const SCRIPTS = new MemoKey<readonly ScriptText[], Instruction>();

/** The file's text (without a BOM) and a locator for it, built once per lint run. */
export function sourceView(context: LintContext): SourceView {
  return context.memo.value(VIEW, () => {
    const text = context.source.charCodeAt(0) === 0xfeff ? context.source.slice(1) : context.source;
    return { text, locator: new SourceLocator(lineStartsOf(text)), escape: context.dockerfile.escape };
  });
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"]);

/** The shell texts of a RUN, CMD, ENTRYPOINT or HEALTHCHECK instruction (parsed once per instruction). */
export function scriptsOf(context: LintContext, instruction: Instruction): readonly ScriptText[] {
  return context.memo.get(SCRIPTS, instruction, () => readScripts(context, instruction));
}

function readScripts(context: LintContext, instruction: Instruction): ScriptText[] {
  const view = sourceView(context);
  const found: ScriptText[] = [];
  const form: CommandForm | null =
    instruction.kind === "RUN" || instruction.kind === "CMD" || instruction.kind === "ENTRYPOINT" || instruction.kind === "HEALTHCHECK" ? instruction.command : null;
  const role: ScriptRole = instruction.kind === "RUN" ? "run" : "runtime";
  if (form !== null && !(instruction.kind === "HEALTHCHECK" && instruction.type?.value.toUpperCase() !== "CMD")) {
    if (form.form === "shell") {
      const text = form.script.value;
      found.push({ role, text, script: parseShell(text), expands: true, instruction, heredoc: null, range: shellTextMap(view, form.script) });
    } else if (form.form === "exec") {
      const script = execScript(form.args);
      if (script !== null) {
        found.push({ role, text: script.value, script: parseShell(script.value), expands: true, instruction, heredoc: null, range: execTextMap(view, script) });
      }
    }
  }
  if (instruction.kind === "RUN" && instruction.heredocs.length > 0) {
    const head = found[0]?.script ?? null;
    for (const heredoc of instruction.heredocs) {
      const heredocRole = heredocRoleOf(instruction.command, head, heredoc);
      if (heredocRole === "foreign") continue;
      const base = heredoc.range.start.offset;
      found.push({
        role: heredocRole,
        text: heredoc.content,
        script: parseShell(heredoc.content),
        expands: heredocRole === "run" || heredoc.expand,
        instruction,
        heredoc,
        range: (start, end) => view.locator.range(base + start, base + end),
      });
    }
  }
  return found;
}

/** `["sh", "-c", "script"]`: the script argument; null for other exec forms. */
function execScript(args: readonly Word[]): Word | null {
  const program = args[0]?.value ?? "";
  const base = program.slice(program.lastIndexOf("/") + 1).toLowerCase();
  if (!SHELLS.has(base) && base !== "cmd" && base !== "cmd.exe" && base !== "powershell" && base !== "pwsh" && base !== "powershell.exe") return null;
  const flag = args.findIndex((arg, index) => index > 0 && /^(?:-c|-[a-z]*c|\/c|\/s|-command|-Command)$/i.test(arg.value));
  if (flag === -1) return null;
  return args[flag + 1] ?? null;
}

/**
 * How a RUN heredoc is used: run as the script (the RUN is only the heredoc,
 * or a shell reads it), fed as data to another command, or a script for
 * another interpreter (`#!/usr/bin/env python3`).
 */
function heredocRoleOf(form: CommandForm, head: ShellScript | null, heredoc: Heredoc): "run" | "data" | "foreign" {
  const firstLine = heredoc.content.split("\n", 1)[0] ?? "";
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine);
  const interpreter = shebang === null ? null : (shebang[1] ?? "").endsWith("/env") ? (shebang[2] ?? "") : (shebang[1] ?? "");
  const shellShebang = interpreter === null || SHELLS.has(interpreter.slice(interpreter.lastIndexOf("/") + 1));
  if (form.form !== "shell" || head === null) return shellShebang ? "run" : "foreign";
  const consumer = head.commands.find((command) => command.redirects.some((redirect) => (redirect.op === "<<" || redirect.op === "<<-") && redirect.target.raw.replace(/["'\\]/g, "") === heredoc.name));
  if (consumer === undefined) return "data";
  const name = commandName(consumer);
  if (name === null) return shellShebang ? "run" : "foreign";
  if (SHELLS.has(name.name) && !consumer.args.slice(name.index + 1).some((arg) => arg.raw === "-c")) return "run";
  return "data";
}

/** Offsets in a shell-form script (lines joined) → source ranges; the lines are walked when a range is first asked for. */
function shellTextMap(view: SourceView, word: Word): (start: number, end: number) => Range {
  let walked: { segments: { textOffset: number; sourceOffset: number }[] | null } | undefined;
  return (start, end) => {
    walked ??= { segments: joinedSegments(view, word.range.start.offset, word.value.length) };
    const segments = walked.segments;
    if (segments === null || start < 0 || end > word.value.length || start > end) return word.range;
    return { start: view.locator.at(sourceOffset(segments, start, false)), end: view.locator.at(sourceOffset(segments, end, end > start)) };
  };
}

/** The source offset of an offset in the joined text; the end of a piece maps to the piece it ends (`end`). */
function sourceOffset(segments: readonly { textOffset: number; sourceOffset: number }[], offset: number, end: boolean): number {
  const probe = end && offset > 0 ? offset - 1 : offset;
  let chosen = segments[0] as { textOffset: number; sourceOffset: number };
  for (const segment of segments) {
    if (segment.textOffset <= probe) chosen = segment;
    else break;
  }
  return chosen.sourceOffset + (offset - chosen.textOffset);
}

/**
 * Re-joins the physical lines from `start` as BuildKit's line reader does
 * and returns where each piece came from; null if the result does not
 * reproduce `length` characters of the instruction's text.
 */
function joinedSegments(view: SourceView, start: number, length: number): { textOffset: number; sourceOffset: number }[] | null {
  const { text, escape } = view;
  const e = escape === "`" ? "`" : "\\\\";
  const continued = new RegExp(`(?:^|[^${e}])${e}[ \\t]*$`);
  const segments: { textOffset: number; sourceOffset: number }[] = [];
  let joined = "";
  let pos = start;
  let first = true;
  let guard = 0;
  while (joined.length < length && pos <= text.length && guard++ < 100000) {
    let lineEnd = text.indexOf("\n", pos);
    if (lineEnd === -1) lineEnd = text.length;
    const content = text.slice(pos, lineEnd).replace(/[\r\n]+$/, "");
    if (!first && (/^[\t\v\f\r \u0085\u00a0]*#/.test(content) || /^[\t\v\f\r \u0085\u00a0]*$/.test(content))) {
      pos = lineEnd + 1;
      continue;
    }
    const isContinued = continued.test(content);
    const piece = isContinued ? content.replace(/[ \t]*$/, "").slice(0, -1) : content;
    if (piece.length > 0) segments.push({ textOffset: joined.length, sourceOffset: pos });
    joined += piece;
    first = false;
    if (!isContinued) break;
    pos = lineEnd + 1;
  }
  if (segments.length === 0 || joined.length < length) return null;
  return segments;
}

/** Offsets in an exec-form argument → source ranges (inside the JSON string when it has no escapes). */
function execTextMap(view: SourceView, word: Word): (start: number, end: number) => Range {
  const raw = view.text.slice(word.range.start.offset, word.range.end.offset);
  if (raw !== JSON.stringify(word.value) || raw.includes("\\")) return () => word.range;
  const base = word.range.start.offset + 1;
  return (start, end) => view.locator.range(base + start, base + end);
}

/** An instruction's whole text, heredoc bodies included: for cheap checks before parsing. */
export function instructionText(instruction: Instruction): string {
  const heredocs = instruction.kind === "RUN" || instruction.kind === "ADD" || instruction.kind === "COPY" ? instruction.heredocs : [];
  return heredocs.length === 0 ? instruction.original : `${instruction.original}\n${heredocs.map((heredoc) => heredoc.content).join("\n")}`;
}

// ---- steps -------------------------------------------------------------------

/** One instruction of the file and every target that dispatches it. */
export interface InstructionUse {
  readonly instruction: Instruction;
  readonly uses: readonly { readonly target: TargetView; readonly step: Step }[];
}

const USES = new MemoKey<readonly InstructionUse[]>();

/**
 * The dispatched commands grouped by instruction, in source order. ONBUILD
 * triggers inherited from base images are left out (they are not in this
 * file, and their ranges are not ranges of it).
 */
export function instructionUses(context: LintContext): readonly InstructionUse[] {
  return context.memo.value(USES, () => usesOf(context));
}

function usesOf(context: LintContext): readonly InstructionUse[] {
  const byInstruction = new Map<Instruction, { target: TargetView; step: Step }[]>();
  for (const target of context.targets) {
    for (const step of target.steps) {
      const source = step.command.source as Instruction;
      if (!context.written.has(source)) continue;
      const list = byInstruction.get(source) ?? [];
      list.push({ target, step });
      byInstruction.set(source, list);
    }
  }
  const result: InstructionUse[] = [];
  for (const instruction of context.instructions) {
    const list = byInstruction.get(instruction);
    if (list !== undefined) result.push({ instruction, uses: list });
  }
  return result;
}

/** Instructions inside an IFARCH block (at any depth). */
export function archBlockInstructions(context: LintContext): ReadonlySet<Instruction> {
  const inside = new Set<Instruction>();
  const visit = (statements: LintContext["dockerfile"]["body"], within: boolean): void => {
    for (const statement of statements) {
      if (statement.kind === "ARCH_BLOCK") visit(statement.body, true);
      else if (within) inside.add(statement);
    }
  };
  visit(context.dockerfile.body, false);
  return inside;
}

/** The platform automatic ARGs BuildKit only exposes in FROM lines. */
export const PLATFORM_ARGS = ["TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"] as const;
export const TARGET_ARGS: ReadonlySet<string> = new Set(TARGET_PLATFORM_ARGS);
