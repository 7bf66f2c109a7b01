/**
 * From one joined instruction line to a typed instruction: BuildKit's
 * `splitCommand` (keyword, flags, arguments) and its per-keyword line parsers
 * (`parseMaybeJSON`, `parseNameVal`, `parseWords`, …), with source ranges.
 */
import type {
  ArchName,
  ArgDeclaration,
  CommandForm,
  Flag,
  Instruction,
  KeyValue,
  Word,
} from "./ast.js";
import { DockerfileSyntaxError } from "./errors.js";
import { extractFlags } from "./flags.js";
import { goQuote } from "./go-quote.js";
import { parseJsonForm } from "./json-form.js";
import type { LineMap, Range } from "./position.js";
import { ByteView, isArgumentSeparator, isGoSpace, parseWords, splitOnWhitespace, trimmedBounds, type WordSpan } from "./words.js";

/** The keywords BuildKit's parser dispatches on, plus dfc's IFARCH extension. */
const KINDS = new Set([
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
  "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "IFARCH", "ENDIFARCH", "TAGARCH",
]);

/** What every instruction shares, filled in by the caller (range, comments, original text). */
export interface InstructionContext {
  readonly map: LineMap;
  readonly escape: number;
  readonly range: Range;
  readonly comments: readonly string[];
  readonly original: string;
  /** How many ONBUILDs enclose this instruction. */
  readonly depth?: number;
}

/**
 * Parses `text.slice(from, to)` as one instruction. ONBUILD parses its
 * trigger with the same function on the rest of the line.
 */
export function parseInstruction(text: string, from: number, to: number, context: InstructionContext): Instruction {
  const [start, end] = trimmedBounds(text, from, to);
  let keywordEnd = start;
  while (keywordEnd < end && !isArgumentSeparator(text.charCodeAt(keywordEnd))) keywordEnd++;
  const keyword = makeWord({ value: text.slice(start, keywordEnd), start, end: keywordEnd }, context.map);
  let flags: Flag[] = [];
  let argsStart = end;
  let argsEnd = end;
  if (keywordEnd < end) {
    const extracted = extractFlags(text, keywordEnd, end);
    flags = extracted.flags.map((flag) => toFlag(flag.text, context.map.range(flag.start, flag.end)));
    [argsStart, argsEnd] = trimmedBounds(text, extracted.restStart, end);
  }
  const upper = keyword.value.toUpperCase();
  const kind = KINDS.has(upper) ? upper : "UNKNOWN";
  const { range, comments, original } = context;
  const args = new Arguments(text, argsStart, argsEnd, context);
  // Each node is built as one literal with the same property order per kind:
  // this runs for every instruction, and V8 keeps such objects compact.
  switch (kind) {
    case "RUN":
      return { kind, keyword, flags, range, comments, original, command: args.command(), heredocs: [] };
    case "CMD":
    case "ENTRYPOINT":
    case "SHELL":
      return { kind, keyword, flags, range, comments, original, command: args.command() };
    case "HEALTHCHECK": {
      const { type, command } = args.healthcheck();
      return { kind, keyword, flags, range, comments, original, type, command };
    }
    case "ADD":
    case "COPY": {
      const { json, args: list } = args.list();
      return { kind, keyword, flags, range, comments, original, json, args: list, heredocs: [] };
    }
    case "VOLUME": {
      const { json, args: list } = args.list();
      return { kind, keyword, flags, range, comments, original, json, args: list };
    }
    case "FROM":
    case "EXPOSE":
      return { kind, keyword, flags, range, comments, original, args: args.words() };
    case "ARG":
      return { kind, keyword, flags, range, comments, original, args: args.declarations() };
    case "ENV":
    case "LABEL": {
      const { legacy, pairs } = args.keyValues(kind);
      return { kind, keyword, flags, range, comments, original, legacy, pairs };
    }
    case "MAINTAINER":
    case "USER":
    case "WORKDIR":
    case "STOPSIGNAL":
      return { kind, keyword, flags, range, comments, original, text: args.whole() };
    case "ONBUILD":
      return { kind, keyword, flags, range, comments, original, trigger: argsStart < argsEnd ? parseTrigger(text, argsStart, argsEnd, context) : null };
    case "IFARCH":
    case "TAGARCH":
      rejectFlags(kind, flags);
      return { kind, keyword, flags, range, comments, original, archs: args.archNames(kind) };
    case "ENDIFARCH":
      rejectFlags(kind, flags);
      args.none(kind);
      return { kind, keyword, flags, range, comments, original };
    default:
      return { kind: "UNKNOWN", keyword, flags, range, comments, original, text: args.whole() };
  }
}

/**
 * BuildKit's parser accepts `ONBUILD ONBUILD …` (its instruction layer
 * rejects it later); a bound keeps absurd chains from exhausting the stack.
 */
const MAX_ONBUILD_DEPTH = 32;

/** IFARCH blocks are structure, not build steps: they cannot be deferred to a child image. */
function parseTrigger(text: string, from: number, to: number, context: InstructionContext): Instruction {
  const depth = (context.depth ?? 0) + 1;
  if (depth > MAX_ONBUILD_DEPTH) throw new DockerfileSyntaxError(`ONBUILD nested more than ${MAX_ONBUILD_DEPTH} deep`, context.range);
  // As in BuildKit, the trigger's own text is what follows ONBUILD and its flags.
  const trigger = parseInstruction(text, from, to, { ...context, comments: [], original: text.slice(from, to), depth });
  if (trigger.kind === "IFARCH" || trigger.kind === "ENDIFARCH" || trigger.kind === "TAGARCH") {
    throw new DockerfileSyntaxError(`${trigger.kind} cannot be used as an ONBUILD trigger`, trigger.keyword.range);
  }
  return trigger;
}

/** dfc's own instructions take no flags; BuildKit's are checked later, by the compiler. */
function rejectFlags(kind: string, flags: readonly Flag[]): void {
  const first = flags[0];
  if (first !== undefined) throw new DockerfileSyntaxError(`${kind} does not take flags`, first.range);
}

function makeWord(span: WordSpan, map: LineMap): Word {
  return { value: span.value, range: map.range(span.start, span.end) };
}

function toFlag(text: string, range: Range): Flag {
  const body = text.slice(2);
  const equals = body.indexOf("=");
  return equals === -1
    ? { name: body, value: null, range }
    : { name: body.slice(0, equals), value: body.slice(equals + 1), range };
}

/** The argument text of one instruction, read in the shape its keyword calls for. */
class Arguments {
  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
    private readonly context: InstructionContext,
  ) {}

  private get empty(): boolean {
    return this.start >= this.end;
  }

  private word(span: WordSpan): Word {
    return makeWord(span, this.context.map);
  }

  private fail(message: string, start = this.start, end = this.end): never {
    throw new DockerfileSyntaxError(message, start < end ? this.context.map.range(start, end) : this.context.range);
  }

  /** The whole argument text as one word (`parseString`), or null when there is none. */
  whole(): Word | null {
    return this.empty ? null : this.word({ value: this.text.slice(this.start, this.end), start: this.start, end: this.end });
  }

  /** Blank-separated words (`parseStringsWhitespaceDelimited`). */
  words(): Word[] {
    return splitOnWhitespace(this.text, this.start, this.end).map((span) => this.word(span));
  }

  /** A JSON array of strings, or null when the text is not one (`parseJSON`). */
  private json(start = this.start): Word[] | null {
    const form = parseJsonForm(this.text.slice(start, this.end));
    if (form.kind === "not-json") return null;
    if (form.kind === "not-strings") this.fail("when using JSON array syntax, arrays must be comprised of strings only", start);
    const spans = jsonStringSpans(this.text, start, this.end);
    return form.elements.map((value, index) => {
      const span = spans[index] ?? { start, end: this.end };
      return { value, range: this.context.map.range(span.start, span.end) };
    });
  }

  /** RUN, CMD, ENTRYPOINT, SHELL (`parseMaybeJSON`). */
  command(start = this.start): CommandForm {
    if (start >= this.end) return { form: "none" };
    const elements = this.json(start);
    if (elements !== null) return { form: "exec", args: elements };
    return { form: "shell", script: this.word({ value: this.text.slice(start, this.end), start, end: this.end }) };
  }

  /** ADD, COPY, VOLUME (`parseMaybeJSONToList`). */
  list(): { json: boolean; args: Word[] } {
    const elements = this.json();
    return elements === null ? { json: false, args: this.words() } : { json: true, args: elements };
  }

  /** HEALTHCHECK (`parseHealthConfig`): a type word, then a command. BuildKit scans bytes here. */
  healthcheck(): { type: Word | null; command: CommandForm } {
    const view = new ByteView(this.text.slice(this.start, this.end));
    const bytes = view.bytes;
    let sep = 0;
    while (sep < bytes.length && !isGoSpace(bytes.charCodeAt(sep))) sep++;
    if (sep === 0) return { type: null, command: { form: "none" } };
    let next = sep;
    while (next < bytes.length && isGoSpace(bytes.charCodeAt(next))) next++;
    const typeEnd = this.start + view.charOffset(sep);
    const type = this.word({ value: view.textOf(0, sep), start: this.start, end: typeEnd });
    const commandStart = this.start + view.charOffset(next);
    return { type, command: this.command(trimmedBounds(this.text, commandStart, this.end)[0]) };
  }

  /** ARG (`parseNameOrNameVal`): `name` or `name=value` words. */
  declarations(): ArgDeclaration[] {
    return parseWords(this.text, this.start, this.end, this.context.escape).map((span) => {
      const equals = span.value.indexOf("=");
      return {
        name: equals === -1 ? span.value : span.value.slice(0, equals),
        value: equals === -1 ? null : span.value.slice(equals + 1),
        range: this.context.map.range(span.start, span.end),
      };
    });
  }

  /** ENV and LABEL (`parseNameVal`): `k=v k2=v2`, or the legacy `k rest of line`. */
  keyValues(keyword: "ENV" | "LABEL"): { legacy: boolean; pairs: KeyValue[] } {
    const spans = parseWords(this.text, this.start, this.end, this.context.escape);
    const first = spans[0];
    if (first === undefined) return { legacy: false, pairs: [] };
    if (!first.value.includes("=")) {
      let keyEnd = this.start;
      while (keyEnd < this.end && !isArgumentSeparator(this.text.charCodeAt(keyEnd))) keyEnd++;
      let valueStart = keyEnd;
      while (valueStart < this.end && isArgumentSeparator(this.text.charCodeAt(valueStart))) valueStart++;
      if (keyEnd === this.end) this.fail(`${keyword} must have two arguments`);
      const key = this.word({ value: this.text.slice(this.start, keyEnd), start: this.start, end: keyEnd });
      const value = this.word({ value: this.text.slice(valueStart, this.end), start: valueStart, end: this.end });
      return { legacy: true, pairs: [{ key, value }] };
    }
    const pairs = spans.map((span): KeyValue => {
      const equals = span.value.indexOf("=");
      if (equals === -1) {
        this.fail(`Syntax error - can't find = in ${goQuote(span.value)}. Must be of the form: name=value`, span.start, span.end);
      }
      // parseWords keeps quotes and escapes, so a word is its source text and
      // an index into it is an offset from where it starts.
      const sourceEquals = span.start + equals;
      return {
        key: this.word({ value: span.value.slice(0, equals), start: span.start, end: sourceEquals }),
        value: this.word({ value: span.value.slice(equals + 1), start: sourceEquals + 1, end: span.end }),
      };
    });
    return { legacy: false, pairs };
  }

  /** IFARCH and TAGARCH: blank-separated architecture names; in IFARCH, `!` negates. */
  archNames(kind: "IFARCH" | "TAGARCH"): ArchName[] {
    if (this.empty) this.fail(`${kind} needs at least one architecture name`);
    return splitOnWhitespace(this.text, this.start, this.end).map((span) => {
      const negated = span.value.startsWith("!");
      const name = negated ? span.value.slice(1) : span.value;
      if (negated && kind === "TAGARCH") this.fail("TAGARCH names the architectures a build is published for; it cannot negate one", span.start, span.end);
      if (name === "") this.fail("expected an architecture name after '!'", span.start, span.end);
      return { name, negated, range: this.context.map.range(span.start, span.end) };
    });
  }

  /** ENDIFARCH: nothing may follow. */
  none(kind: string): void {
    if (!this.empty) this.fail(`${kind} takes no arguments`);
  }
}

/**
 * Where the string literals of a valid JSON array of strings lie in the text
 * (JSON.parse gives values, not positions).
 */
function jsonStringSpans(text: string, start: number, end: number): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (let index = start; index < end; index++) {
    if (text.charCodeAt(index) !== 0x22) continue;
    const literalStart = index;
    index++;
    while (index < end && text.charCodeAt(index) !== 0x22) index += text.charCodeAt(index) === 0x5c ? 2 : 1;
    spans.push({ start: literalStart, end: index + 1 });
  }
  return spans;
}
