import { DEFAULT_VARIANTS } from "./known.js";
import { type Platform, PlatformParseError } from "./model.js";

/** OS names: containerd's `osRe` name group. */
const OS_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Architecture and variant: containerd's `specifierRe` (also allows "."). */
export const COMPONENT_PATTERN = /^[A-Za-z0-9_.-]+$/;
/** A lone UTF-16 surrogate cannot be percent-encoded, so it cannot be formatted. */
const LONE_SURROGATE = /\p{Cs}/u;

type MutablePlatform = { -readonly [K in keyof Platform]: Platform[K] };

/**
 * Platforms this module built itself. They are frozen and already
 * normalized, so normalizing them again is a set lookup — `parsePlatform`
 * results flow through `canRun`/`samePlatform` often.
 */
const canonicalPlatforms = new WeakSet<Platform>();

/** A frozen platform, with absent fields left out rather than set to `undefined`. */
function buildPlatform(
  os: string,
  architecture: string,
  variant: string | undefined,
  osVersion: string | undefined,
): Platform {
  const platform: MutablePlatform = { os, architecture };
  if (variant) platform.variant = variant;
  if (osVersion) platform.osVersion = osVersion;
  return Object.freeze(platform);
}

/**
 * Builds a platform from components that are already validated and
 * normalized, and remembers it as such.
 */
export function makeCanonicalPlatform(
  os: string,
  architecture: string,
  variant: string | undefined,
  osVersion: string | undefined,
): Platform {
  const platform = buildPlatform(os, architecture, variant, osVersion);
  canonicalPlatforms.add(platform);
  return platform;
}

/** containerd `normalizeOS`: lower-case, and `macos` is Go's `darwin`. */
export function normalizeOS(os: string): string {
  const lower = os.toLowerCase();
  return lower === "macos" ? "darwin" : lower;
}

export interface NormalizedArchitecture {
  readonly architecture: string;
  readonly variant: string | undefined;
}

/**
 * containerd `normalizeArch` (containerd/platforms database.go, the version
 * that also folds arm64 `v8.0` and `v9.0`). Distro and kernel spellings map
 * to Go's GOARCH names; the baseline variant of amd64 and arm64 is dropped;
 * 32-bit arm always gets an explicit `vN` variant.
 */
export function normalizeArchitecture(
  rawArchitecture: string,
  rawVariant: string | undefined,
): NormalizedArchitecture {
  const architecture = rawArchitecture.toLowerCase();
  const variant = rawVariant ? rawVariant.toLowerCase() : undefined;
  switch (architecture) {
    case "i386":
      // containerd discards any variant given with the Debian name.
      return { architecture: "386", variant: undefined };
    case "x86_64":
    case "x86-64":
    case "amd64":
      return { architecture: "amd64", variant: variant === "v1" ? undefined : variant };
    case "aarch64":
    case "arm64":
      switch (variant) {
        case "8":
        case "v8":
        case "v8.0":
          return { architecture: "arm64", variant: undefined };
        case "9":
        case "9.0":
        case "v9.0":
          return { architecture: "arm64", variant: "v9" };
        default:
          return { architecture: "arm64", variant };
      }
    case "armhf":
      // Debian's armhf is ARMv7 hard-float; containerd overrides any variant.
      return { architecture: "arm", variant: "v7" };
    case "armel":
      return { architecture: "arm", variant: "v6" };
    case "arm":
      switch (variant) {
        case undefined:
        case "7":
          return { architecture: "arm", variant: DEFAULT_VARIANTS.arm };
        case "5":
        case "6":
        case "8":
          return { architecture: "arm", variant: `v${variant}` };
        default:
          return { architecture: "arm", variant };
      }
    default:
      return { architecture, variant };
  }
}

/**
 * Normalizes without validating. Used by comparisons, which must accept any
 * object the type allows; cheap for platforms built by this module. The
 * result is not registered as canonical, because it was not validated.
 */
export function canonicalize(platform: Platform): Platform {
  if (canonicalPlatforms.has(platform)) return platform;
  const { architecture, variant } = normalizeArchitecture(platform.architecture, platform.variant);
  return buildPlatform(normalizeOS(platform.os), architecture, variant, platform.osVersion);
}

function describe(platform: Platform): string {
  const os = platform.osVersion ? `${platform.os}(${platform.osVersion})` : platform.os;
  return [os, platform.architecture, platform.variant].filter((part) => part !== undefined).join("/");
}

/**
 * Validates a platform object and returns its normalized form (a frozen new
 * object, or the argument itself when it already is one).
 *
 * Validation uses the same character rules `parsePlatform` applies to a
 * specifier, so `formatPlatform` of the result always parses back to it.
 *
 * @throws PlatformParseError for an empty or malformed component.
 */
export function normalizePlatform(platform: Platform): Platform {
  if (canonicalPlatforms.has(platform)) return platform;
  const problem = findProblem(platform);
  if (problem !== undefined) throw new PlatformParseError(describe(platform), problem);
  const { architecture, variant } = normalizeArchitecture(platform.architecture, platform.variant);
  return makeCanonicalPlatform(normalizeOS(platform.os), architecture, variant, platform.osVersion);
}

function findProblem({ os, architecture, variant, osVersion }: Platform): string | undefined {
  if (os === "") return "operating system is empty";
  if (!OS_NAME_PATTERN.test(os)) {
    return `operating system ${JSON.stringify(os)} may only contain letters, digits, "_" and "-"`;
  }
  if (architecture === "") return "architecture is empty";
  if (!COMPONENT_PATTERN.test(architecture)) {
    return `architecture ${JSON.stringify(architecture)} may only contain letters, digits, "_", "." and "-"`;
  }
  if (variant && !COMPONENT_PATTERN.test(variant)) {
    return `variant ${JSON.stringify(variant)} may only contain letters, digits, "_", "." and "-"`;
  }
  if (osVersion && LONE_SURROGATE.test(osVersion)) return "OS version contains an unpaired UTF-16 surrogate";
  return undefined;
}
