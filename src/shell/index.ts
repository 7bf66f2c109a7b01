/**
 * Dockerfile shell word expansion, compatible with BuildKit's
 * frontend/dockerfile/shell lexer: `$V`, `${V}`, `${V:-w}` and friends,
 * pattern trimming and replacement, quote and escape removal, and (in
 * word-list mode) field splitting of expansion results.
 */
import { createEnvLookup } from "./env.js";
import { ExpansionFailure, ShellExpansionError } from "./errors.js";
import { ShellWordLexer, type LexerSettings } from "./lexer.js";
import type { Env, ExpansionResult, ShellOptions } from "./types.js";
import { WordCollector } from "./words.js";

export { ShellExpansionError } from "./errors.js";
export type { Env, ExpansionResult, ShellOptions } from "./types.js";

/**
 * Words without `$`, quotes, either escape character, a byte order mark or
 * white space: expansion leaves them as they are in both modes (most words).
 */
const PLAIN = /^[^$'"\\`\uFEFF\s]*$/;

/** Whether expansion only copies `word`: it looks up no name, and cannot fail. */
export function isPlain(word: string, options?: ShellOptions): boolean {
  return PLAIN.test(word) && (options?.escape === undefined || options.escape === "\\" || options.escape === "`");
}

const NO_NAMES: ReadonlySet<string> = new Set();

const BACKSLASH = 0x5c;
const BACKTICK = 0x60;

function settingsFrom(options: ShellOptions | undefined): LexerSettings {
  const escape = options?.escape;
  if (escape !== undefined && escape !== "\\" && escape !== "`") {
    throw new TypeError(`invalid shell escape character ${JSON.stringify(escape)}; expected "\\\\" or "\`"`);
  }
  return {
    escapeToken: escape === "`" ? BACKTICK : BACKSLASH,
    rawQuotes: options?.rawQuotes === true,
    rawEscapes: options?.rawEscapes === true,
    skipUnsetEnv: options?.skipUnsetEnv === true,
    processQuotes: options?.skipProcessQuotes !== true,
  };
}

function createLexer(word: string, env: Env, options: ShellOptions | undefined, trackNames: boolean): ShellWordLexer {
  return new ShellWordLexer(word, createEnvLookup(env, options?.windows === true), settingsFrom(options), trackNames);
}

/** Runs the lexer and turns an internal failure into the public error type. */
function run(lexer: ShellWordLexer, word: string, words: WordCollector | undefined): string {
  try {
    return lexer.run(words);
  } catch (failure) {
    if (failure instanceof ExpansionFailure) throw new ShellExpansionError(word, failure.reason);
    throw failure;
  }
}

/**
 * Single-word mode (used for ENV, COPY, WORKDIR, ...): expands variables and
 * removes quotes and escapes, without splitting. Throws ShellExpansionError.
 */
export function expandWord(word: string, env: Env, options?: ShellOptions): string {
  if (isPlain(word, options)) return word;
  return run(createLexer(word, env, options, false), word, undefined);
}

/**
 * Word-list mode: like expandWord, but the results of unquoted `$` expansions
 * and unquoted whitespace separate words. Throws ShellExpansionError.
 */
export function expandWords(word: string, env: Env, options?: ShellOptions): string[] {
  const words = new WordCollector();
  run(createLexer(word, env, options, false), word, words);
  return words.finish();
}

/**
 * Both modes in one pass, plus the names that were looked up, split into
 * found (`matched`) and not found (`unmatched`); positional and special
 * parameters such as `1` or `@` count as names too, as in BuildKit.
 * Throws ShellExpansionError.
 */
export function processWord(word: string, env: Env, options?: ShellOptions): ExpansionResult {
  if (isPlain(word, options)) return { result: word, words: word === "" ? [] : [word], matched: NO_NAMES, unmatched: NO_NAMES };
  const words = new WordCollector();
  const lexer = createLexer(word, env, options, true);
  const result = run(lexer, word, words);
  return {
    result,
    words: words.finish(),
    matched: lexer.matched ?? NO_NAMES,
    unmatched: lexer.unmatched ?? NO_NAMES,
  };
}
