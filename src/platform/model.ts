/**
 * The OCI image-spec platform triple (plus the Windows OS version) that dfc
 * compiles for. Field names follow the OCI `platform` object.
 *
 * A platform returned by this module is always *normalized* (see
 * `normalizePlatform`): lower-case os/architecture/variant, containerd's
 * canonical architecture names, and absent — never empty — optional fields.
 */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
}

/** Raised for a platform specifier or platform object that cannot be used. */
export class PlatformParseError extends Error {
  override readonly name = "PlatformParseError";

  constructor(
    /** The offending specifier, or a rendering of the offending object. */
    readonly input: string,
    /** Why it was rejected, phrased to complete "invalid platform X: …". */
    readonly reason: string,
  ) {
    super(`invalid platform ${JSON.stringify(input)}: ${reason}`);
  }
}
