/** Exit codes scripts can rely on. */
export const EXIT_OK = 0;
/** The input is wrong: a syntax error, or findings at or above the threshold. */
export const EXIT_FAILURE = 1;
/** The command line is wrong, or an input cannot be read. */
export const EXIT_USAGE = 2;

/** A mistake in how dfc was called; printed without a stack trace, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
