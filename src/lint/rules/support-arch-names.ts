/**
 * Architecture names as the tools of a Dockerfile spell them.
 *
 * The same machine is `amd64` to BuildKit and Go, `x86_64` to `uname -m` and
 * Alpine, `amd64` again to Debian; 32-bit ARMv7 is `arm` (+ variant `v7`),
 * `armv7l`, `armhf` and `armv7` respectively. Comparing a value from one
 * scheme with a name from another is the classic dead branch, so the
 * multi-platform rules need each scheme's vocabulary and a way to translate.
 *
 * Canonical names are OCI ones: `amd64`, `arm64`, `arm/v7`, `386`, …
 */
import { ARCH_ALIASES, KNOWN_ARCHITECTURES, KNOWN_OPERATING_SYSTEMS, parsePlatform, formatPlatform, resolveArchName } from "../../platform/index.js";

/** Who produced a value: the naming scheme it follows. */
export type ArchScheme =
  /** `$TARGETARCH`, `$BUILDARCH`, `go env GOARCH`, `xx-info arch`. */
  | "oci"
  /** `uname -m`, `arch`, `xx-info march`. */
  | "uname"
  /** `dpkg --print-architecture`, `xx-info debian-arch`. */
  | "dpkg"
  /** `apk --print-arch`, `xx-info alpine-arch`. */
  | "apk"
  /** `$TARGETPLATFORM`, `$BUILDPLATFORM`: `os/arch[/variant]`. */
  | "platform"
  /** `$TARGETVARIANT`, `$BUILDVARIANT`. */
  | "variant"
  /** `$TARGETOS`, `$BUILDOS`. */
  | "os";

/** Canonical architecture (OCI `arch` or `arch/variant`) → spelling in each scheme. */
const SPELLINGS: Readonly<Record<string, Readonly<Record<"oci" | "uname" | "dpkg" | "apk", string>>>> = {
  amd64: { oci: "amd64", uname: "x86_64", dpkg: "amd64", apk: "x86_64" },
  arm64: { oci: "arm64", uname: "aarch64", dpkg: "arm64", apk: "aarch64" },
  "arm/v7": { oci: "arm", uname: "armv7l", dpkg: "armhf", apk: "armv7" },
  "arm/v6": { oci: "arm", uname: "armv6l", dpkg: "armel", apk: "armhf" },
  "arm/v5": { oci: "arm", uname: "armv5tel", dpkg: "armel", apk: "armhf" },
  "386": { oci: "386", uname: "i686", dpkg: "i386", apk: "x86" },
  ppc64le: { oci: "ppc64le", uname: "ppc64le", dpkg: "ppc64el", apk: "ppc64le" },
  ppc64: { oci: "ppc64", uname: "ppc64", dpkg: "ppc64", apk: "ppc64" },
  s390x: { oci: "s390x", uname: "s390x", dpkg: "s390x", apk: "s390x" },
  riscv64: { oci: "riscv64", uname: "riscv64", dpkg: "riscv64", apk: "riscv64" },
  mips64le: { oci: "mips64le", uname: "mips64", dpkg: "mips64el", apk: "mips64el" },
  loong64: { oci: "loong64", uname: "loongarch64", dpkg: "loong64", apk: "loongarch64" },
};

/** Every value each scheme can produce (lower case). */
const DOMAINS: Readonly<Record<"oci" | "uname" | "dpkg" | "apk", ReadonlySet<string>>> = {
  oci: new Set([...KNOWN_ARCHITECTURES]),
  uname: new Set([
    "x86_64", "aarch64", "aarch64_be", "armv5tel", "armv6l", "armv7l", "armv8l", "i386", "i486", "i586", "i686",
    "ppc64le", "ppc64", "ppc", "s390x", "s390", "riscv64", "mips", "mips64", "loongarch64", "sparc64", "alpha", "ia64", "m68k",
  ]),
  dpkg: new Set([
    "amd64", "arm64", "armhf", "armel", "i386", "ppc64el", "ppc64", "powerpc", "s390x", "riscv64", "mips64el", "mipsel",
    "mips", "loong64", "x32", "sparc64", "alpha", "hppa", "ia64", "m68k", "sh4", "arm", "hurd-i386", "kfreebsd-amd64",
  ]),
  apk: new Set(["x86_64", "x86", "aarch64", "armhf", "armv7", "ppc64le", "s390x", "riscv64", "loongarch64", "mips64", "mips64el"]),
};

/** Names the rules recognise that IFARCH does not take (other ecosystems' spellings). */
const EXTRA_NAMES: Readonly<Record<string, string>> = {
  powerpc64le: "ppc64le",
  arm64v8: "arm64",
  arm32v7: "arm/v7",
  arm32v6: "arm/v6",
  arm32v5: "arm/v5",
  armv7hl: "arm/v7",
  armv8l: "arm/v7",
  aarch64_be: "arm64",
  ia32: "386",
};

/**
 * The canonical architecture a name stands for in any scheme (`x86_64` →
 * `amd64`, `armhf` → `arm/v7`), or undefined for a name that is not an
 * architecture.
 */
export function canonicalArch(name: string): string | undefined {
  const lower = name.toLowerCase();
  const extra = EXTRA_NAMES[lower];
  if (extra !== undefined) return extra;
  const selector = resolveArchName(lower);
  return selector === undefined ? undefined : canonicalOfPlatform(selector);
}

/** The canonical architecture of a platform (`arm/v7` for 32-bit arm, the architecture otherwise). */
export function canonicalOfPlatform(platform: { readonly architecture: string; readonly variant?: string | null }): string {
  return platform.architecture === "arm" ? `arm/${platform.variant ?? "v7"}` : platform.architecture;
}

/** How the scheme spells a canonical architecture, if it has a spelling. */
export function spell(canonical: string, scheme: "oci" | "uname" | "dpkg" | "apk"): string | undefined {
  return SPELLINGS[canonical]?.[scheme];
}

/** A human label for a scheme, for messages. */
export function schemeLabel(scheme: ArchScheme): string {
  switch (scheme) {
    case "oci":
      return "OCI/Go names (amd64, arm64, arm, 386, ppc64le, s390x, riscv64)";
    case "uname":
      return "kernel names (x86_64, aarch64, armv7l, armv6l, i686, ppc64le, s390x, riscv64)";
    case "dpkg":
      return "Debian names (amd64, arm64, armhf, armel, i386, ppc64el, s390x, riscv64)";
    case "apk":
      return "Alpine names (x86_64, aarch64, armv7, armhf, x86, ppc64le, s390x, riscv64)";
    case "platform":
      return "normalized platforms (linux/amd64, linux/arm64, linux/arm/v7, …)";
    case "variant":
      return "variants (v7, v6, v8, or empty)";
    case "os":
      return "lower-case Go OS names (linux, windows, …)";
  }
}

/** A handful of platforms a `$TARGETPLATFORM` glob is tested against. */
const COMMON_PLATFORMS = [
  "linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/arm64", "linux/arm64/v8.2", "linux/arm/v7", "linux/arm/v6",
  "linux/arm/v5", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64", "linux/mips64le", "linux/loong64", "windows/amd64",
  "windows/arm64", "darwin/amd64", "darwin/arm64", "freebsd/amd64",
];

const VARIANTS = ["", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v8.1", "v8.2", "v9"];

/**
 * Whether a value (`literal`) or a glob (`matches`) can ever match what the
 * scheme produces, and if not, the spelling that was meant. `undefined` when
 * the rules cannot tell (an unknown word is left alone: only names that are
 * architectures in some other scheme are reported).
 */
export interface Verdict {
  readonly reachable: boolean;
  /** The canonical architecture (or platform) the author meant. */
  readonly meant?: string;
  /** The scheme's spelling of it. */
  readonly suggestion?: string;
}

export function judgeLiteral(scheme: ArchScheme, value: string, extra: ReadonlySet<string> = new Set()): Verdict | undefined {
  if (extra.has(value)) return { reachable: true };
  switch (scheme) {
    case "oci":
    case "uname":
    case "dpkg":
    case "apk": {
      if (DOMAINS[scheme].has(value)) return { reachable: true };
      const canonical = canonicalArch(value);
      if (canonical === undefined) return undefined;
      const suggestion = spell(canonical, scheme);
      return suggestion === undefined ? undefined : { reachable: false, meant: canonical, suggestion };
    }
    case "platform": {
      const parts = value.split("/");
      if (parts.length < 2 || parts.length > 3) return undefined;
      let normalized: string;
      try {
        normalized = formatPlatform(parsePlatform(value));
      } catch {
        return undefined;
      }
      if (normalized === value && (KNOWN_ARCHITECTURES.has(parts[1] ?? "") || canonicalArch(parts[1] ?? "") !== undefined)) return { reachable: true };
      if (normalized === value) return undefined;
      return { reachable: false, meant: normalized, suggestion: normalized };
    }
    case "variant": {
      if (VARIANTS.includes(value)) return { reachable: true };
      if (/^[5-9]$/.test(value)) return { reachable: false, meant: `v${value}`, suggestion: `v${value}` };
      return undefined;
    }
    case "os": {
      if (KNOWN_OPERATING_SYSTEMS.has(value)) return { reachable: true };
      const lower = value.toLowerCase();
      if (KNOWN_OPERATING_SYSTEMS.has(lower)) return { reachable: false, meant: lower, suggestion: lower };
      if (lower === "macos" || lower === "darwin") return { reachable: false, meant: "darwin", suggestion: "darwin" };
      return undefined;
    }
  }
}

/**
 * Like {@link judgeLiteral} for a glob pattern (`arm*`): reachable when it
 * matches any value of the scheme; otherwise judged by the architecture of
 * the names (in any scheme) it does match.
 */
export function judgePattern(scheme: ArchScheme, glob: RegExp, extra: ReadonlySet<string> = new Set()): Verdict | undefined {
  const values = scheme === "platform" ? COMMON_PLATFORMS : scheme === "variant" ? VARIANTS : scheme === "os" ? [...KNOWN_OPERATING_SYSTEMS] : [...DOMAINS[scheme]];
  if ([...values, ...extra].some((value) => glob.test(value))) return { reachable: true };
  if (scheme === "platform" || scheme === "variant" || scheme === "os") return undefined;
  // What the pattern was written for: the architecture of every name (in any scheme) it matches.
  const meant = new Set(ALL_NAMES.filter((name) => glob.test(name)).map((name) => canonicalArch(name)));
  const only = [...meant][0];
  if (meant.size !== 1 || only === undefined) return undefined;
  const suggestion = spell(only, scheme);
  return suggestion === undefined ? undefined : { reachable: false, meant: only, suggestion };
}

/** Every architecture name of every scheme (for reading patterns). */
const ALL_NAMES: readonly string[] = [
  ...new Set([...Object.values(DOMAINS).flatMap((domain) => [...domain]), ...Object.keys(EXTRA_NAMES), ...ARCH_ALIASES.flatMap((alias) => alias.names)]),
].filter((name) => canonicalArch(name) !== undefined);

/**
 * Architecture names that, inside a longer word, say "this file is for one
 * architecture" (download URLs, file and package names, paths). Deliberately
 * without short or ambiguous names (`arm`, `386`, `x86`).
 */
export const ARCH_TOKEN = /(?<![A-Za-z0-9])(arm64v8|arm32v[567]|x86_64|x86-64|amd64|aarch64|arm64|armhf|armel|armv7l|armv7|armv6l|armv6|i386|i686|ppc64le|ppc64el|s390x|riscv64|x64)(?![A-Za-z0-9])/g;

/** Each architecture token in a text, with its offset. */
export function archTokens(text: string): { readonly name: string; readonly index: number; readonly canonical: string }[] {
  const found: { name: string; index: number; canonical: string }[] = [];
  for (const match of text.matchAll(ARCH_TOKEN)) {
    const name = match[1] ?? "";
    const canonical = canonicalArch(name);
    if (canonical !== undefined) found.push({ name, index: match.index ?? 0, canonical });
  }
  return found;
}

