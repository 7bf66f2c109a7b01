import type { Range } from "./position.js";

/** Another place that explains an error, such as the opening line of an unclosed block. */
export interface RelatedLocation {
  readonly message: string;
  readonly range: Range;
}

/**
 * A Dockerfile that cannot be parsed. Every syntax error the parser reports
 * is one of these, with the place it was found; anything else escaping the
 * parser is a bug in dfc.
 */
export class DockerfileSyntaxError extends Error {
  override readonly name = "DockerfileSyntaxError";

  constructor(
    message: string,
    readonly range: Range,
    readonly related: readonly RelatedLocation[] = [],
  ) {
    super(message);
  }
}
