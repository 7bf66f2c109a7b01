import { SourceError } from "../../syntax/errors.js";

/**
 * A Dockerfile that dfc can compile but cannot lower to a standard
 * Dockerfile without changing what it builds. It points at the instruction
 * that stands in the way, so the CLI can print it like a compile error.
 */
export class LoweringError extends SourceError {
  override readonly name = "LoweringError";
}
