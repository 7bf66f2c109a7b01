import { goQuote } from "../syntax/go-quote.js";

/**
 * The one error type the shell lexer lets escape. `reason` is BuildKit's inner
 * message (e.g. `syntax error: bad substitution`), `word` the input that was
 * being expanded; `message` combines them the way BuildKit wraps its errors.
 */
export class ShellExpansionError extends Error {
  override readonly name = "ShellExpansionError";
  readonly word: string;
  readonly reason: string;

  constructor(word: string, reason: string) {
    super(`failed to process ${goQuote(word)}: ${reason}`);
    this.word = word;
    this.reason = reason;
  }
}

/**
 * Internal failure raised while scanning; it carries only the reason. The
 * lexer needs to catch and re-label some of them (an unterminated nested word
 * becomes "missing '}'"), and the public entry points wrap whatever is left
 * into a ShellExpansionError.
 */
export class ExpansionFailure {
  constructor(readonly reason: string) {}
}
