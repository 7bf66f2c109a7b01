/** Options of the shell word lexer; each mirrors a field of BuildKit's `shell.Lex`. */
export interface ShellOptions {
  /** Escape character, as set by the `# escape=` directive. Default `\`. */
  escape?: "\\" | "`";
  /** Compare variable names case-insensitively, as BuildKit does on Windows. */
  windows?: boolean;
  /** Keep quote characters in the output (BuildKit `RawQuotes`). */
  rawQuotes?: boolean;
  /** Keep escape characters in the output (BuildKit `RawEscapes`). */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written (BuildKit `SkipUnsetEnv`). */
  skipUnsetEnv?: boolean;
  /** Treat quote characters as ordinary characters (BuildKit `SkipProcessQuotes`). */
  skipProcessQuotes?: boolean;
}

/** Variables visible to an expansion. A key that is present is "set", even with an empty value. */
export type Env = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

export interface ExpansionResult {
  /** Single-word mode result: expansion plus quote and escape removal, no field splitting. */
  result: string;
  /** Word-list mode result: like `result`, but unquoted expansion results are split on whitespace. */
  words: string[];
  /** Variable names that were looked up and found. */
  matched: ReadonlySet<string>;
  /** Variable names that were looked up and not found. */
  unmatched: ReadonlySet<string>;
}
