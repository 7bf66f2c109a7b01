import { DEFAULT_OS, KNOWN_ARCHITECTURES, KNOWN_OPERATING_SYSTEMS } from "./known.js";
import { type Platform, PlatformParseError } from "./model.js";
import {
  COMPONENT_PATTERN,
  makeCanonicalPlatform,
  normalizeArchitecture,
  normalizeOS,
  normalizePlatform,
} from "./normalize.js";
import { decodeOSVersion, OS_VERSION_PATTERN } from "./os-version.js";

/** `<os>` or `<os>(<version>)`; the version's alphabet is checked separately for a precise message. */
const OS_COMPONENT = /^([A-Za-z0-9_-]+)(?:\(([^()]*)\))?$/;
/** Checked up front only to give a clearer message than "bad character". */
const WHITESPACE = /\s/;

export interface ParsePlatformOptions {
  /**
   * The platform of the machine doing the build. It stands in for the Go
   * runtime's GOOS/GOARCH that containerd uses to complete a one-word
   * specifier: a bare OS (`linux`) takes the host's architecture and variant,
   * a bare architecture (`arm64`) the host's OS.
   *
   * Without it a bare OS is rejected — dfc's output must not depend on the
   * machine it runs on — and a bare architecture means `linux`.
   */
  readonly host?: Platform;
}

/**
 * Parses a containerd platform specifier — `<os>`, `<arch>`, `<os>/<arch>`
 * or `<os>/<arch>/<variant>`, where `<os>` may carry a version as in
 * `windows(10.0.17763)` — and returns the normalized platform.
 *
 * Equivalent to containerd's `Normalize(Parse(s))`, which is what BuildKit
 * does with `--platform`. As in containerd, any well-formed architecture is
 * accepted after a "/" (`linux/foo`), but a one-word specifier must be a
 * known OS or architecture.
 *
 * @throws PlatformParseError naming the input and the reason.
 */
export function parsePlatform(spec: string, options?: ParsePlatformOptions): Platform {
  const host = options?.host;
  if (host !== undefined) return parseSpecifier(spec, normalizePlatform(host));
  const cached = cache.get(spec);
  if (cached !== undefined) return cached;
  const parsed = parseSpecifier(spec, undefined);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(spec, parsed);
  return parsed;
}

/**
 * A build sees the same handful of specifiers over and over (every FROM,
 * every --platform); results are immutable, so they are memoized. Clearing
 * when full keeps memory bounded on adversarial input without LRU upkeep.
 */
const cache = new Map<string, Platform>();
const CACHE_LIMIT = 1024;

function parseSpecifier(spec: string, host: Platform | undefined): Platform {
  const invalid = (reason: string) => new PlatformParseError(spec, reason);

  if (spec === "") throw invalid("the specifier is empty; expected <os>/<arch>[/<variant>], e.g. linux/amd64");
  if (spec.includes("*")) throw invalid("wildcards are not supported");
  if (WHITESPACE.test(spec)) throw invalid("whitespace is not allowed in a platform specifier");

  const parts = spec.split("/", 4);
  if (parts.length > 3) throw invalid("too many components; expected at most <os>/<arch>/<variant>");
  const [osPart = "", archPart, variantPart] = parts;
  const oneWord = archPart === undefined;

  if (osPart === "") throw invalid('operating system is empty (the specifier starts with "/")');
  const osMatch = OS_COMPONENT.exec(osPart);
  if (osMatch === null) {
    throw invalid(
      oneWord
        ? `${JSON.stringify(osPart)} is neither a valid operating system nor a known architecture`
        : `operating system ${JSON.stringify(osPart)} must be letters, digits, "_" and "-", optionally followed by "(<os version>)"`,
    );
  }
  const [, rawOS = "", rawVersion] = osMatch;
  const os = normalizeOS(rawOS);
  const osVersion = rawVersion === undefined ? undefined : parseOSVersion(rawVersion, invalid);

  if (oneWord) {
    // containerd tries a lone word as an OS first, then as an architecture,
    // and is strict here because there is so little to go on.
    if (KNOWN_OPERATING_SYSTEMS.has(os)) {
      if (host === undefined) throw invalid(`it names only an operating system; add an architecture, e.g. "${os}/amd64"`);
      return makeCanonicalPlatform(os, host.architecture, host.variant, osVersion);
    }
    if (rawVersion !== undefined) throw invalid(`${JSON.stringify(os)} is not a known operating system`);
    const { architecture, variant } = normalizeArchitecture(osPart, undefined);
    if (!KNOWN_ARCHITECTURES.has(architecture)) {
      throw invalid(
        `${JSON.stringify(osPart)} is neither a known operating system nor a known architecture ` +
          "(write <os>/<arch> to use one that is not listed)",
      );
    }
    return makeCanonicalPlatform(host?.os ?? DEFAULT_OS, architecture, variant, undefined);
  }

  if (archPart === "") throw invalid("architecture is empty");
  if (!COMPONENT_PATTERN.test(archPart)) throw invalid(badCharacters("architecture", archPart));
  if (variantPart !== undefined) {
    if (variantPart === "") throw invalid('variant is empty (the specifier ends with "/")');
    if (!COMPONENT_PATTERN.test(variantPart)) throw invalid(badCharacters("variant", variantPart));
  }
  const { architecture, variant } = normalizeArchitecture(archPart, variantPart);
  return makeCanonicalPlatform(os, architecture, variant, osVersion);
}

function parseOSVersion(raw: string, invalid: (reason: string) => PlatformParseError): string | undefined {
  if (!OS_VERSION_PATTERN.test(raw)) {
    if (raw.includes("+")) throw invalid('OS features ("+feature" inside the parentheses) are not supported');
    throw invalid(`OS version ${JSON.stringify(raw)} may only contain letters, digits, "_", ".", "-" and %-escapes`);
  }
  const decoded = decodeOSVersion(raw);
  if (decoded === undefined) throw invalid(`OS version ${JSON.stringify(raw)} has a malformed %-escape`);
  // containerd accepts `windows()` and reads it as "no version".
  return decoded === "" ? undefined : decoded;
}

function badCharacters(what: string, value: string): string {
  return `${what} ${JSON.stringify(value)} may only contain letters, digits, "_", "." and "-"`;
}
