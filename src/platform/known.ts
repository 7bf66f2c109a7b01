/**
 * Names containerd recognises (its `isKnownOS` / `isKnownArch`, which are
 * generated from Go's `go/build/syslist.go`). They only matter for a
 * one-word specifier such as `arm64`: with a slash anything well formed is
 * accepted, exactly as containerd does.
 */
export const KNOWN_OPERATING_SYSTEMS: ReadonlySet<string> = new Set([
  "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
  "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos",
]);

export const KNOWN_ARCHITECTURES: ReadonlySet<string> = new Set([
  "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le",
  "loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc",
  "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
]);

/**
 * The variant a platform has when it names none.
 *
 * Normalization treats these differently, as containerd does: 32-bit arm's
 * default is written out (`linux/arm` becomes `linux/arm/v7`, because arm/v6
 * and arm/v5 images are common enough that an implicit variant misleads),
 * whereas arm64's `v8` and amd64's `v1` are the baseline and are dropped when
 * given explicitly (`linux/arm64/v8` becomes `linux/arm64`).
 */
export const DEFAULT_VARIANTS = Object.freeze({
  arm: "v7",
  arm64: "v8",
  amd64: "v1",
} as const);

/** The default OS for a one-word architecture specifier: dfc builds Linux containers. */
export const DEFAULT_OS = "linux";
