/**
 * Scanner and dispatch of BuildKit's Dockerfile word lexer
 * (frontend/dockerfile/shell/lex.go), reproduced behaviour for behaviour.
 *
 * One pass over the input, by code point: Go's text/scanner yields runes, so
 * an astral character is one step and `?` in a pattern matches it whole.
 * Literal runs are copied with a single `slice` instead of per character.
 */
import {
  codePointString,
  codePointWidth,
  EOF,
  goRuneString,
  isGoDigit,
  isNameChar,
  isSpecialParameter,
} from "./chars.js";
import type { EnvLookup } from "./env.js";
import { ExpansionFailure } from "./errors.js";
import { replaceAll, replaceFirst, trimPrefix, trimSuffix } from "./pattern.js";
import type { WordCollector } from "./words.js";

const LESS_THAN = 0x3c;
const DOLLAR = 0x24;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COLON = 0x3a;
const SLASH = 0x2f;
const PLUS = 0x2b;
const MINUS = 0x2d;
const QUESTION = 0x3f;
const HASH = 0x23;
const PERCENT = 0x25;
const BYTE_ORDER_MARK = 0xfeff;

const MISSING_CLOSE_BRACE = "syntax error: missing '}'";

/**
 * Deepest nesting of `${...}` words accepted. BuildKit has no limit (Go
 * stacks grow); a JavaScript stack overflows near 1,500 levels, so a fixed
 * limit far above anything a Dockerfile needs turns that into a
 * ShellExpansionError instead of a RangeError.
 */
const MAX_NESTED_SUBSTITUTIONS = 256;

export interface LexerSettings {
  /** Code point of the escape character (`\` or `` ` ``). */
  escapeToken: number;
  rawQuotes: boolean;
  rawEscapes: boolean;
  skipUnsetEnv: boolean;
  processQuotes: boolean;
}

export class ShellWordLexer {
  private pos: number;
  /** Current raw-escape mode; nested words switch it temporarily. */
  private rawEscapes: boolean;
  private readonly escapeString: string;
  /** Number of `${...}` words currently being processed. */
  private nesting = 0;
  matched: Set<string> | undefined;
  unmatched: Set<string> | undefined;

  constructor(
    private readonly source: string,
    private readonly lookup: EnvLookup,
    private readonly settings: LexerSettings,
    trackNames: boolean,
  ) {
    // Go's text/scanner silently skips a byte order mark at the very start.
    this.pos = source.charCodeAt(0) === BYTE_ORDER_MARK ? 1 : 0;
    this.rawEscapes = settings.rawEscapes;
    this.escapeString = codePointString(settings.escapeToken);
    if (trackNames) {
      this.matched = new Set();
      this.unmatched = new Set();
    }
  }

  /** Expands the whole input. Throws ExpansionFailure. */
  run(words: WordCollector | undefined): string {
    return this.processUntil(EOF, this.settings.rawEscapes, words);
  }

  // --- scanner -------------------------------------------------------------

  private peek(): number {
    return this.pos < this.source.length ? (this.source.codePointAt(this.pos) as number) : EOF;
  }

  /** Consumes and returns the next code point (EOF at the end, without moving). */
  private next(): number {
    const cp = this.peek();
    if (cp !== EOF) this.pos += codePointWidth(cp);
    return cp;
  }

  // --- words -----------------------------------------------------------------

  /**
   * Processes text until `stop` (consumed, not included) or the end of input.
   * `stop` is EOF for the top-level word, `}` or `/` inside `${...}`.
   * Only the top level collects words; nested words are plain strings.
   */
  private processUntil(stop: number, rawEscapes: boolean, words: WordCollector | undefined): string {
    const outerRawEscapes = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    const source = this.source;
    const { escapeToken, processQuotes } = this.settings;
    let out = "";
    let runStart = -1;

    for (;;) {
      const cp = this.peek();
      if (cp === EOF) break;
      const isSpecial =
        cp === stop ||
        cp === DOLLAR ||
        cp === LESS_THAN ||
        cp === escapeToken ||
        (processQuotes && (cp === SINGLE_QUOTE || cp === DOUBLE_QUOTE));
      if (!isSpecial) {
        if (runStart < 0) runStart = this.pos;
        this.pos += codePointWidth(cp);
        words?.addChar(cp);
        continue;
      }
      if (runStart >= 0) {
        out += source.slice(runStart, this.pos);
        runStart = -1;
      }
      if (cp === stop) {
        this.pos += 1; // `}` and `/` are single units
        this.rawEscapes = outerRawEscapes;
        return out;
      }
      if (cp === DOLLAR) {
        const value = this.processDollar();
        out += value;
        words?.addExpansion(value);
        continue;
      }
      if (cp === LESS_THAN) {
        const marker = this.processPossibleHeredoc();
        out += marker;
        words?.addRaw(marker);
        continue;
      }
      if (cp === escapeToken) {
        this.pos += 1;
        if (this.rawEscapes) {
          out += this.escapeString;
          words?.addRaw(this.escapeString);
        }
        // The escape applies to any following character; a trailing lone
        // escape character is dropped.
        const escaped = this.next();
        if (escaped === EOF) break;
        const text = codePointString(escaped);
        out += text;
        words?.addRaw(text);
        continue;
      }
      const quoted = cp === SINGLE_QUOTE ? this.processSingleQuote() : this.processDoubleQuote();
      out += quoted;
      words?.addRaw(quoted);
    }

    if (runStart >= 0) out += source.slice(runStart, this.pos);
    if (stop !== EOF) {
      throw new ExpansionFailure(`unexpected end of statement while looking for matching ${goRuneString(stop)}`);
    }
    this.rawEscapes = outerRawEscapes;
    return out;
  }

  /**
   * `<<` and the blanks after it stay in one word (BuildKit 0.22+), so that
   * `RUN cat << EOF` names a heredoc `EOF` just like `<<EOF`. A lone `<` is
   * an ordinary character.
   */
  private processPossibleHeredoc(): string {
    const start = this.pos;
    this.pos += 1;
    if (this.peek() !== LESS_THAN) return "<";
    this.pos += 1;
    for (let cp = this.peek(); cp === 0x20 || cp === 0x09 || cp === 0x0d || cp === 0x0a; cp = this.peek()) this.pos += 1;
    return this.source.slice(start, this.pos);
  }

  /** Everything up to the next `'` is literal; there is no way to escape `'`. */
  private processSingleQuote(): string {
    const open = this.pos;
    const close = this.source.indexOf("'", open + 1);
    if (close < 0) {
      this.pos = this.source.length;
      throw new ExpansionFailure("unexpected end of statement while looking for matching single-quote");
    }
    this.pos = close + 1;
    return this.settings.rawQuotes ? this.source.slice(open, close + 1) : this.source.slice(open + 1, close);
  }

  /**
   * Double quotes expand `$` and let the escape character protect only `"`,
   * `$` and itself; before anything else the escape character is literal.
   */
  private processDoubleQuote(): string {
    const source = this.source;
    const { escapeToken, rawQuotes } = this.settings;
    this.pos += 1;
    let out = rawQuotes ? '"' : "";
    let runStart = this.pos;

    for (;;) {
      const cp = this.peek();
      if (cp === EOF) {
        throw new ExpansionFailure("unexpected end of statement while looking for matching double-quote");
      }
      if (cp !== DOUBLE_QUOTE && cp !== DOLLAR && cp !== escapeToken) {
        this.pos += codePointWidth(cp);
        continue;
      }
      out += source.slice(runStart, this.pos);
      if (cp === DOUBLE_QUOTE) {
        this.pos += 1;
        return rawQuotes ? out + '"' : out;
      }
      if (cp === DOLLAR) {
        out += this.processDollar();
      } else {
        this.pos += 1;
        if (this.rawEscapes) out += this.escapeString;
        const following = this.peek();
        if (following === DOUBLE_QUOTE || following === DOLLAR || following === escapeToken) {
          this.pos += 1;
          out += codePointString(following);
        } else if (following !== EOF) {
          // Not an escape here: the character itself is kept. With raw
          // escapes on, BuildKit has already written it once, so it appears
          // twice (`"a\b"` gives `a\\b`), which keeps it a literal backslash
          // when the text is later used as a pattern.
          out += this.escapeString;
        }
      }
      runStart = this.pos;
    }
  }

  // --- expansions --------------------------------------------------------------

  private getEnv(name: string): string | undefined {
    const value = this.lookup(name);
    if (value === undefined) this.unmatched?.add(name);
    else this.matched?.add(name);
    return value;
  }

  /**
   * Reads a name after `$` or `${`: a run of digits (positional parameter,
   * `$001` reads `001`), one special-parameter character, or letters, digits
   * and `_`. Returns "" when none of these follow.
   */
  private processName(): string {
    const start = this.pos;
    let cp = this.peek();
    if (cp === EOF) return "";
    if (isGoDigit(cp)) {
      do {
        this.pos += codePointWidth(cp);
        cp = this.peek();
      } while (cp !== EOF && isGoDigit(cp));
      return this.source.slice(start, this.pos);
    }
    if (isSpecialParameter(cp)) {
      this.pos += 1;
      return codePointString(cp);
    }
    while (cp !== EOF && isNameChar(cp)) {
      this.pos += codePointWidth(cp);
      cp = this.peek();
    }
    return this.source.slice(start, this.pos);
  }

  /** Processes a nested word of `${...}`; running out of input reports `missingMessage`. */
  private processNested(stop: number, rawEscapes: boolean, missingMessage: string): string {
    if (this.nesting >= MAX_NESTED_SUBSTITUTIONS) {
      throw new ExpansionFailure(`substitutions nested more than ${MAX_NESTED_SUBSTITUTIONS} levels deep`);
    }
    this.nesting += 1;
    try {
      const word = this.processUntil(stop, rawEscapes, undefined);
      this.nesting -= 1;
      return word;
    } catch (failure) {
      // Whatever went wrong inside, BuildKit reports the missing delimiter
      // when the input is exhausted (e.g. `${a:-'b}` is "missing '}'").
      if (failure instanceof ExpansionFailure && this.peek() === EOF) {
        throw new ExpansionFailure(missingMessage);
      }
      throw failure;
    }
  }

  private processDollar(): string {
    this.pos += 1; // `$`
    if (this.peek() !== OPEN_BRACE) {
      const name = this.processName();
      // A `$` not followed by a name stays literal (`$.` gives `$.`).
      if (name === "") return "$";
      const value = this.getEnv(name);
      if (value === undefined) return this.settings.skipUnsetEnv ? "$" + name : "";
      return value;
    }

    this.pos += 1; // `{`
    const first = this.peek();
    if (first === EOF) throw new ExpansionFailure(MISSING_CLOSE_BRACE);
    if (first === OPEN_BRACE || first === CLOSE_BRACE || first === COLON) {
      throw new ExpansionFailure("syntax error: bad substitution");
    }
    const name = this.processName();
    let operator = this.next();
    // The modifier as BuildKit prints it; the end of input shows as U+FFFD.
    let modifier = goRuneString(operator);

    if (operator === CLOSE_BRACE) {
      const value = this.getEnv(name);
      if (value === undefined) return this.settings.skipUnsetEnv ? "${" + name + "}" : "";
      return value;
    }

    if (operator === SLASH) return this.processReplacement(name);

    let nullIsUnset = false;
    if (operator === COLON) {
      // Whatever follows the colon is taken as the operator, and its word is
      // read before the operator is validated: `${V:=x}` fails only after
      // reading `x`, and with skipUnsetEnv an unset `${V:=x}` is kept as is.
      nullIsUnset = true;
      operator = this.next();
      modifier += goRuneString(operator);
      // Newer BuildKit rejects `${V:#p}` and `${V:%p}` outright (bash has no such forms).
      if (operator === HASH || operator === PERCENT) throw new ExpansionFailure(`unsupported modifier (${modifier}) in substitution`);
    } else if (
      operator !== PLUS &&
      operator !== MINUS &&
      operator !== QUESTION &&
      operator !== HASH &&
      operator !== PERCENT
    ) {
      throw new ExpansionFailure(`unsupported modifier (${modifier}) in substitution`);
    }

    // Patterns keep their escapes so `\*` stays a literal star.
    const isPatternOperator = operator === HASH || operator === PERCENT;
    let word = this.processNested(CLOSE_BRACE, isPatternOperator, MISSING_CLOSE_BRACE);

    const value = this.getEnv(name);
    if (value === undefined && this.settings.skipUnsetEnv) {
      // The word is reproduced after expansion and quote removal, not as written.
      return "${" + name + modifier + word + "}";
    }

    switch (operator) {
      case MINUS:
        return value === undefined || (nullIsUnset && value === "") ? word : value;
      case PLUS:
        return value === undefined || (nullIsUnset && value === "") ? "" : word;
      case QUESTION:
        if (value === undefined) {
          throw new ExpansionFailure(`${name}: ${word !== "" ? word : "is not allowed to be unset"}`);
        }
        if (nullIsUnset && value === "") {
          throw new ExpansionFailure(`${name}: ${word !== "" ? word : "is not allowed to be empty"}`);
        }
        return value;
      case HASH:
      case PERCENT: {
        // `##` / `%%` are detected on the expanded word, so a leading `#`
        // produced by a variable or inside quotes also selects greedy mode.
        // `${V:#p}` is accepted and behaves like `${V#p}`.
        const greedy = word.charCodeAt(0) === operator;
        if (greedy) word = word.slice(1);
        const subject = value ?? "";
        return operator === PERCENT ? trimSuffix(word, subject, greedy) : trimPrefix(word, subject, greedy);
      }
      default:
        throw new ExpansionFailure(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  /** `${V/pattern/replacement}` and `${V//pattern/replacement}`. */
  private processReplacement(name: string): string {
    const all = this.peek() === SLASH;
    if (all) this.pos += 1;
    const pattern = this.processNested(SLASH, true, "syntax error: missing '/' in ${}");
    // The replacement keeps its escape characters too (`\}` inserts `\}`).
    const replacement = this.processNested(CLOSE_BRACE, true, MISSING_CLOSE_BRACE);

    const value = this.getEnv(name);
    if (value === undefined && this.settings.skipUnsetEnv) {
      // BuildKit writes a single slash back even for `//`.
      return "${" + name + "/" + pattern + "/" + replacement + "}";
    }
    const subject = value ?? "";
    return all ? replaceAll(pattern, subject, replacement) : replaceFirst(pattern, subject, replacement);
  }
}
