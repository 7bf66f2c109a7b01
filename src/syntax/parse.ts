/**
 * `parseDockerfile`: source text in, typed syntax tree out, or a
 * {@link DockerfileSyntaxError} that says where and why.
 *
 * The stages are BuildKit's: parser directives pick the escape character;
 * the grammar (`grammar/`) assembles instruction lines and heredoc bodies;
 * each line is parsed by its keyword's rules; IFARCH blocks are grouped last.
 */
import { parseLineStructure, type HeredocBody, type LineInterpreter, type ParsedInstruction } from "../../grammar/parser.js";
import type { Dockerfile, Heredoc, Instruction, ParseWarning } from "./ast.js";
import { groupArchBlocks } from "./blocks.js";
import { scanDirectives } from "./directives.js";
import { DockerfileSyntaxError } from "./errors.js";
import { heredocsOnLine, HeredocNameError, type HeredocSpec } from "./heredoc.js";
import { parseInstruction } from "./instruction.js";
import { LineMap, lineStartsOf, SourceLocator, type Range } from "./position.js";

/** BuildKit reads lines with Go's bufio.Scanner and its default 64 KiB limit. */
const MAX_LINE_BYTES = 65535;

interface Interpreted {
  readonly instruction: Instruction;
  readonly specs: readonly HeredocSpec[];
}

export function parseDockerfile(source: string): Dockerfile {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  // Line starts come from the tokenizer; only errors before it need them computed here.
  const fallbackLocator = (): SourceLocator => new SourceLocator(lineStartsOf(text));
  const { directives, escape, lines } = scanDirectives(text);
  const tooLong = firstOverlongLine(text);
  // BuildKit stops reading at an over-long line and reports it after the
  // instructions before it, so parse only those first.
  const readable = tooLong === undefined ? text : text.slice(0, tooLong.start);
  const escapeCode = escape.charCodeAt(0);
  let locator: SourceLocator | undefined;
  const warnings: ParseWarning[] = [];

  const interpreterFor = (lineStarts: readonly number[]): LineInterpreter<Interpreted, Instruction> => {
    const lines = new SourceLocator(lineStarts);
    locator = lines;
    return {
      interpret(line) {
        const instruction = parseInstruction(line.text, 0, line.text.length, {
          map: new LineMap(line, lines),
          escape: escapeCode,
          range: lines.between(line.startLine, line.startOffset, line.endLine, line.endOffset),
          comments: line.comments,
          original: line.text,
        });
        const specs = opensHeredocs(instruction) && line.text.includes("<<") ? heredocSpecs(line.text, instruction.range) : [];
        return { value: { instruction, specs }, heredocs: specs };
      },
      complete(item) {
        if (item.line.emptyContinuationLines.length > 0) {
          warnings.push({
            rule: "NoEmptyContinuation",
            message: `Empty continuation line found in: ${item.line.text}`,
            range: item.value.instruction.range,
          });
        }
        return withHeredocs(item, lines);
      },
    };
  };

  const instructions = parseLineStructure(readable, escape, lines, interpreterFor);
  const where = locator ?? fallbackLocator();
  if (instructions.length === 0 || tooLong !== undefined) {
    const full = fallbackLocator();
    if (instructions.length === 0) throw new DockerfileSyntaxError("file with no instructions", full.range(text.length, text.length));
    if (tooLong !== undefined) {
      throw new DockerfileSyntaxError(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`, full.lineRange(tooLong.line, text));
    }
  }
  const endOfFile = where.range(text.length, text.length);
  return { directives, escape, body: groupArchBlocks(instructions, endOfFile), warnings };
}

/** BuildKit's `canContainHeredoc`: RUN, ADD and COPY in shell form, also as ONBUILD triggers. */
function opensHeredocs(instruction: Instruction): boolean {
  const target = instruction.kind === "ONBUILD" && instruction.trigger !== null ? instruction.trigger : instruction;
  switch (target.kind) {
    case "RUN":
      return target.command.form !== "exec";
    case "ADD":
    case "COPY":
      return !target.json;
    default:
      return false;
  }
}

function heredocSpecs(line: string, range: Range): HeredocSpec[] {
  try {
    return heredocsOnLine(line);
  } catch (error) {
    if (error instanceof HeredocNameError) throw new DockerfileSyntaxError(error.message, range);
    throw error;
  }
}

/** Attaches heredoc bodies (to the ONBUILD trigger when there is one) and extends the range over them. */
function withHeredocs(item: ParsedInstruction<Interpreted>, locator: SourceLocator): Instruction {
  const { instruction, specs } = item.value;
  if (item.heredocs.length === 0) return instruction;
  const unterminated = item.heredocs.find((body) => !body.terminated);
  if (unterminated !== undefined) {
    throw new DockerfileSyntaxError(
      `unterminated heredoc: no line ${JSON.stringify(unterminated.request.name)} ends it`,
      { start: instruction.range.start, end: locator.at(unterminated.endOffset) },
    );
  }
  const heredocs = item.heredocs.map((body, index) => toHeredoc(body, specs[index], locator));
  const range = { start: instruction.range.start, end: locator.at(item.endOffset) };
  if (instruction.kind === "ONBUILD" && instruction.trigger !== null) {
    return { ...instruction, range, trigger: attach(instruction.trigger, heredocs) };
  }
  return { ...attach(instruction, heredocs), range };
}

function attach(instruction: Instruction, heredocs: Heredoc[]): Instruction {
  switch (instruction.kind) {
    case "RUN":
    case "ADD":
    case "COPY":
      return { ...instruction, heredocs };
    default:
      return instruction;
  }
}

function toHeredoc(body: HeredocBody, spec: HeredocSpec | undefined, locator: SourceLocator): Heredoc {
  return {
    name: body.request.name,
    fd: spec?.fd ?? 0,
    chomp: body.request.chomp,
    expand: spec?.expand ?? true,
    content: body.content,
    range: locator.range(body.startOffset, body.endOffset),
  };
}

/** The first physical line longer than BuildKit's scanner accepts, if any. */
function firstOverlongLine(text: string): { line: number; start: number } | undefined {
  // A line of n UTF-16 units has at most 3n UTF-8 bytes, so short texts need no counting.
  if (text.length <= MAX_LINE_BYTES / 3) return undefined;
  let line = 1;
  for (let start = 0; start < text.length; line++) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    if (end - start > MAX_LINE_BYTES / 3 && Buffer.byteLength(text.slice(start, end), "utf8") > MAX_LINE_BYTES) return { line, start };
    start = end + 1;
  }
  return undefined;
}
