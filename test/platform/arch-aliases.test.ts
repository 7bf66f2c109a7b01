import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ARCH_ALIASES,
  type ArchSelector,
  archMatches,
  nearestArchName,
  normalizePlatform,
  parsePlatform,
  resolveArchName,
} from "../../src/platform/index.js";

const any = (architecture: string): ArchSelector => ({ architecture, variant: null });
const exactly = (architecture: string, variant: string): ArchSelector => ({ architecture, variant });

/** The names the IFARCH proposal requires, and what each must select. */
const REQUIRED: ReadonlyArray<[string, ArchSelector]> = [
  ["amd64", any("amd64")],
  ["x86_64", any("amd64")],
  ["x86-64", any("amd64")],
  ["arm64", any("arm64")],
  ["aarch64", any("arm64")],
  ["arm8", any("arm64")],
  ["armv8", any("arm64")],
  ["arm8.1", exactly("arm64", "v8.1")],
  ["arm", exactly("arm", "v7")],
  ["arm7", exactly("arm", "v7")],
  ["armv7", exactly("arm", "v7")],
  ["armhf", exactly("arm", "v7")],
  ["arm6", exactly("arm", "v6")],
  ["armv6", exactly("arm", "v6")],
  ["armel", exactly("arm", "v6")],
  ["rpi", exactly("arm", "v6")],
  ["386", any("386")],
  ["i386", any("386")],
  ["i686", any("386")],
  ["ppc64le", any("ppc64le")],
  ["s390x", any("s390x")],
  ["riscv64", any("riscv64")],
];

const allNames = ARCH_ALIASES.flatMap((alias) => alias.names.map((name) => [name, alias.selector] as const));

describe("ARCH_ALIASES", () => {
  it.each(REQUIRED)("maps the required name %s", (name, selector) => {
    expect(resolveArchName(name)).toStrictEqual(selector);
  });

  it.each(allNames)("resolves %s, in any case", (name, selector) => {
    expect(resolveArchName(name)).toBe(selector);
    expect(resolveArchName(name.toUpperCase())).toBe(selector);
  });

  it("lists every name once, in lower case", () => {
    const names = allNames.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toBe(name.toLowerCase());
  });

  it("selects normalized architectures and variants only", () => {
    for (const { selector } of ARCH_ALIASES) {
      const platform = normalizePlatform({
        os: "linux",
        architecture: selector.architecture,
        ...(selector.variant === null ? {} : { variant: selector.variant }),
      });
      expect(platform.architecture).toBe(selector.architecture);
      // A "no variant" selector must not be an architecture whose normalized form always has one.
      if (selector.variant !== null) expect(platform.variant).toBe(selector.variant);
    }
  });

  it("gives each entry a note and at least one name", () => {
    for (const alias of ARCH_ALIASES) {
      expect(alias.names.length).toBeGreaterThan(0);
      expect(alias.note.length).toBeGreaterThan(0);
    }
  });

  it("is immutable", () => {
    expect(Object.isFrozen(ARCH_ALIASES)).toBe(true);
    for (const alias of ARCH_ALIASES) {
      expect(Object.isFrozen(alias)).toBe(true);
      expect(Object.isFrozen(alias.names)).toBe(true);
      expect(Object.isFrozen(alias.selector)).toBe(true);
    }
  });

  it("agrees with platform normalization wherever a name is also a platform architecture", () => {
    // armhf, armel, i386, x86_64, aarch64 … are rewritten by containerd too; the two must not disagree.
    for (const [name, selector] of allNames) {
      const platform = normalizePlatform({ os: "linux", architecture: name });
      if (platform.architecture === name) continue; // not a containerd spelling
      expect(archMatches(selector, platform), name).toBe(true);
    }
  });

  it("is documented name by name in the README", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    // Only the table's section counts: other sections mention amd64, arm64 … too.
    const start = readme.indexOf("### Architecture names");
    const doc = readme.slice(start, readme.indexOf("\n## ", start));
    expect(start).toBeGreaterThan(-1);
    const missing = allNames.map(([name]) => name).filter((name) => !doc.includes(`\`${name}\``));
    expect(missing).toStrictEqual([]);
  });
});

describe("resolveArchName", () => {
  it.each(["", "arm/v7", "linux/amd64", "mips", "wasm", "armv9", "x86 64", " amd64"])(
    "returns undefined for %j",
    (name) => {
      expect(resolveArchName(name)).toBeUndefined();
    },
  );
});

describe("archMatches", () => {
  it.each<[string, string, boolean]>([
    ["amd64", "linux/amd64", true],
    ["amd64", "linux/amd64/v3", true],
    ["x86_64", "windows/amd64", true],
    ["amd64", "linux/386", false],
    ["arm64", "linux/arm64", true],
    ["aarch64", "linux/arm64/v8", true],
    ["arm64", "linux/arm64/v8.2", true],
    ["arm64", "linux/arm64/v9", true],
    ["arm64", "linux/arm/v7", false],
    ["arm8.1", "linux/arm64/v8.1", true],
    ["arm8.1", "linux/arm64", false],
    ["arm8.1", "linux/arm64/v8.2", false],
    ["arm", "linux/arm", true],
    ["arm", "linux/arm/v7", true],
    ["armhf", "linux/arm", true],
    ["arm", "linux/arm/v6", false],
    ["arm", "linux/arm/v8", false],
    ["arm", "linux/arm64", false],
    ["armel", "linux/arm/v6", true],
    ["rpi", "linux/arm/v6", true],
    ["arm6", "linux/arm", false],
    ["armv5", "linux/arm/v5", true],
    ["i386", "linux/386", true],
    ["i686", "linux/amd64", false],
    ["ppc64le", "linux/ppc64le", true],
    ["ppc64", "linux/ppc64le", false],
    ["s390x", "linux/s390x", true],
    ["riscv64", "linux/riscv64", true],
    ["mips64el", "linux/mips64le", true],
    ["loongarch64", "linux/loong64", true],
  ])("%s matches %s: %s", (name, target, expected) => {
    const selector = resolveArchName(name);
    expect(selector).toBeDefined();
    expect(archMatches(selector as ArchSelector, parsePlatform(target))).toBe(expected);
  });

  it("normalizes an unnormalized target", () => {
    const arm = resolveArchName("arm") as ArchSelector;
    expect(archMatches(arm, { os: "linux", architecture: "arm" })).toBe(true);
    expect(archMatches(arm, { os: "linux", architecture: "armhf" })).toBe(true);
    expect(archMatches(arm, { os: "linux", architecture: "ARM", variant: "7" })).toBe(true);
    const arm64 = resolveArchName("arm64") as ArchSelector;
    expect(archMatches(arm64, { os: "linux", architecture: "AArch64", variant: "v8" })).toBe(true);
  });

  it("ignores the OS", () => {
    expect(archMatches(resolveArchName("amd64") as ArchSelector, parsePlatform("windows(10.0.20348)/amd64"))).toBe(true);
  });
});

describe("nearestArchName", () => {
  it.each<[string, string]>([
    ["aarch46", "aarch64"],
    ["x86_46", "x86_64"],
    ["AARCH46", "aarch64"],
    ["am64", "amd64"],
    ["amd46", "amd64"],
    ["arm46", "arm64"],
    ["armv7h", "armv7"],
    ["armhd", "armhf"],
    ["ppc64ll", "ppc64le"],
    ["s390", "s390x"],
    ["riscv", "riscv64"],
    ["risvc64", "riscv64"],
    ["i368", "i386"],
    ["loongarch", "loongarch64"],
  ])("suggests %s → %s", (input, expected) => {
    expect(nearestArchName(input)).toBe(expected);
  });

  it("returns the table spelling of a known name", () => {
    expect(nearestArchName("ARMHF")).toBe("armhf");
    expect(nearestArchName("x86_64")).toBe("x86_64");
  });

  it.each(["", "foo", "linux", "windows", "ppc", "sparc", "wasm", "a", "z80", "powerpc"])(
    "suggests nothing for %j",
    (input) => {
      expect(nearestArchName(input)).toBeUndefined();
    },
  );

  it("always suggests a name that resolves", () => {
    for (const input of ["aarch46", "x86_46", "arm9", "armv8l", "i786", "mips64", "loong"]) {
      const suggestion = nearestArchName(input);
      if (suggestion !== undefined) expect(resolveArchName(suggestion)).toBeDefined();
    }
  });
});
