import type { Range } from "./position.js";

/** Another place that explains an error, such as the opening line of an unclosed block. */
export interface RelatedLocation {
  readonly message: string;
  readonly range: Range;
}

/**
 * An error in a Dockerfile at a known place. Every stage of dfc reports the
 * user's mistakes as one of these (the CLI prints them as
 * `file:line:col: error: …` with a caret); anything else escaping dfc is a bug.
 */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly range: Range,
    readonly related: readonly RelatedLocation[] = [],
  ) {
    super(message);
  }
}

/** A Dockerfile that cannot be parsed. */
export class DockerfileSyntaxError extends SourceError {
  override readonly name = "DockerfileSyntaxError";
}
