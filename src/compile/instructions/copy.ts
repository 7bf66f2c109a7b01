/**
 * COPY and ADD (BuildKit's `parseCopy`, `parseAdd` and `parseSourcesAndDest`).
 * The last argument is the destination, the others are sources; a source of
 * the form `<<NAME` is a heredoc whose body becomes a file called NAME. The
 * `--chmod` check is the one BuildKit makes at dispatch, made here when the
 * value holds no variable.
 */
import type { EscapeChar, FileInstruction, Heredoc, Word } from "../../syntax/ast.js";
import { chompHeredoc, heredocsOnLine, HeredocNameError, type HeredocSpec } from "../../syntax/heredoc.js";
import { isGoSpace } from "../../syntax/words.js";
import type { AddCommand, CopyCommand, HeredocSource } from "./commands.js";
import { InstructionError } from "./errors.js";
import { FlagDeclarations, type FlagValue } from "./flags.js";
import { parseUint32 } from "./go.js";
import { literalValue } from "./literal.js";

const COPY_FLAGS = new FlagDeclarations({
  exclude: "strings",
  parents: "bool",
  chown: "string",
  from: "string",
  chmod: "string",
  link: "bool",
});

const ADD_FLAGS = new FlagDeclarations({
  exclude: "strings",
  chown: "string",
  chmod: "string",
  link: "bool",
  "keep-git-dir": "bool",
  checksum: "string",
  unpack: "bool",
});

/** The flags COPY and ADD share. */
interface CommonFlags {
  readonly exclude: readonly FlagValue<string>[];
  readonly chown: FlagValue<string> | null;
  readonly chmod: FlagValue<string> | null;
  readonly link: FlagValue<boolean> | null;
}

export function copyCommand(source: FileInstruction, escape: EscapeChar): CopyCommand {
  const dest = destinationOf(source);
  const flags = COPY_FLAGS.parse(source.flags);
  return { kind: "COPY", ...sharedFields(source, dest, flags, escape), from: flags.from, parents: flags.parents?.value ?? false };
}

export function addCommand(source: FileInstruction, escape: EscapeChar): AddCommand {
  const dest = destinationOf(source);
  const flags = ADD_FLAGS.parse(source.flags);
  return {
    kind: "ADD",
    ...sharedFields(source, dest, flags, escape),
    checksum: flags.checksum,
    keepGitDir: flags["keep-git-dir"]?.value ?? false,
    unpack: flags.unpack?.value ?? null,
  };
}

/** The last argument, checked before the flags. BuildKit counts heredoc markers as arguments, so `COPY <<EOF` alone has no destination. */
function destinationOf(source: FileInstruction): Word {
  const dest = source.args[source.args.length - 1];
  if (dest === undefined || source.args.length < 2) {
    throw new InstructionError(
      `${source.kind} requires at least two arguments, but only one was provided. Destination could not be determined`,
      source.range,
    );
  }
  return dest;
}

function sharedFields(source: FileInstruction, dest: Word, flags: CommonFlags, escape: EscapeChar): Omit<CopyCommand, "kind" | "from" | "parents"> {
  if (heredocMarker(dest) !== undefined) {
    throw new InstructionError(`${source.kind} cannot accept a heredoc as a destination`, dest.range);
  }
  const sources: Word[] = [];
  const heredocSources: HeredocSource[] = [];
  for (const word of source.args.slice(0, -1)) {
    const marker = heredocMarker(word);
    if (marker === undefined) sources.push(word);
    else heredocSources.push(heredocSource(marker, word, source.heredocs));
  }
  if (flags.chmod !== null) checkChmod(flags.chmod, escape);
  return { source, sources, heredocSources, dest, chown: flags.chown, chmod: flags.chmod, link: flags.link?.value ?? false, exclude: flags.exclude };
}

/**
 * The heredoc an argument names, as BuildKit's `MustParseHeredoc` reads it
 * (`<<EOF`, `<<-EOF`, `<<"EOF"`; a malformed one is just a path). A word
 * with white space is never one: the parser splits arguments on blanks.
 */
function heredocMarker(word: Word): HeredocSpec | undefined {
  const text = word.value;
  if (!text.includes("<<")) return undefined;
  for (let index = 0; index < text.length; index++) if (isGoSpace(text.charCodeAt(index))) return undefined;
  try {
    const specs = heredocsOnLine(text);
    return specs.length === 1 ? specs[0] : undefined;
  } catch (error) {
    if (error instanceof HeredocNameError) return undefined;
    throw error;
  }
}

function heredocSource(marker: HeredocSpec, word: Word, bodies: readonly Heredoc[]): HeredocSource {
  // BuildKit looks bodies up by name, so the last body of a name wins; a
  // marker without a body (possible in JSON form) copies an empty file.
  const body = bodies.findLast((heredoc) => heredoc.name === marker.name);
  const content = body?.content ?? "";
  return {
    name: marker.name,
    content: marker.chomp ? chompHeredoc(content) : content,
    expand: marker.expand,
    marker: word,
  };
}

function checkChmod(chmod: FlagValue<string>, escape: EscapeChar): void {
  const value = literalValue(chmod.value, escape, chmod.range);
  if (value === undefined || value === "") return; // checked once expanded; empty means no chmod
  const mode = parseUint32(value, 8);
  if (mode === undefined || mode > 0o7777) {
    throw new InstructionError(`invalid chmod parameter: '${value}'. it should be octal string and between 0 and 07777`, chmod.range);
  }
}
