import type { Platform } from "./model.js";
import { normalizeArchitecture } from "./normalize.js";

/**
 * What an IFARCH/TAGARCH name stands for: a normalized architecture and
 * either one exact normalized variant or, with `null`, every variant.
 */
export interface ArchSelector {
  readonly architecture: string;
  readonly variant: string | null;
}

export interface ArchAlias {
  /** Lower-case spellings; looked up case-insensitively. */
  readonly names: readonly string[];
  readonly selector: ArchSelector;
  /** Where the names come from and what they cover, for docs and diagnostics. */
  readonly note: string;
}

const anyVariant = (architecture: string): ArchSelector => ({ architecture, variant: null });
const exactly = (architecture: string, variant: string): ArchSelector => ({ architecture, variant });

/**
 * The architecture names IFARCH and TAGARCH accept — the single source for
 * the resolver, the suggestions and docs/architectures.md (a test keeps the
 * doc in step).
 *
 * Besides Go/OCI names the table takes the spellings people meet elsewhere:
 * `uname -m` (x86_64, aarch64, armv7l, i686), Debian (armhf, armel, ppc64el,
 * mips64el) and Alpine (x86). Where distributions disagree we follow
 * containerd: armhf is ARMv7 as in Debian, not ARMv6 as in Alpine.
 *
 * A name without a variant selects the whole architecture, except 32-bit
 * `arm`, which — like `linux/arm` — means arm/v7.
 */
export const ARCH_ALIASES: ReadonlyArray<ArchAlias> = deepFreeze([
  {
    names: ["amd64", "x86_64", "x86-64", "x64"],
    selector: anyVariant("amd64"),
    note: "64-bit x86 (Intel/AMD), every micro-architecture level (v1–v4)",
  },
  {
    names: ["arm64", "aarch64", "arm8", "armv8"],
    selector: anyVariant("arm64"),
    note: "64-bit Arm, every variant (v8, v8.x, v9, …)",
  },
  {
    names: ["arm8.1", "armv8.1"],
    selector: exactly("arm64", "v8.1"),
    note: "64-bit Arm, exactly the v8.1 variant",
  },
  {
    names: ["arm", "arm7", "armv7", "armv7l", "armhf"],
    selector: exactly("arm", "v7"),
    note: "32-bit ARMv7 hard-float (linux/arm); armv7l is its `uname -m`",
  },
  {
    names: ["arm6", "armv6", "armv6l", "armel", "rpi"],
    selector: exactly("arm", "v6"),
    note: "32-bit ARMv6 (Raspberry Pi 1 and Zero); armel as containerd maps it",
  },
  {
    names: ["arm5", "armv5", "armv5tel"],
    selector: exactly("arm", "v5"),
    note: "32-bit ARMv5",
  },
  {
    names: ["386", "i386", "i586", "i686", "x86"],
    selector: anyVariant("386"),
    note: "32-bit x86; x86 as Alpine and Windows use it, never amd64",
  },
  {
    names: ["ppc64le", "ppc64el"],
    selector: anyVariant("ppc64le"),
    note: "64-bit POWER, little-endian (POWER8 and later)",
  },
  {
    names: ["ppc64"],
    selector: anyVariant("ppc64"),
    note: "64-bit POWER, big-endian",
  },
  {
    names: ["s390x"],
    selector: anyVariant("s390x"),
    note: "IBM Z",
  },
  {
    names: ["riscv64"],
    selector: anyVariant("riscv64"),
    note: "64-bit RISC-V",
  },
  {
    names: ["mips64le", "mips64el"],
    selector: anyVariant("mips64le"),
    note: "64-bit MIPS, little-endian",
  },
  {
    names: ["loong64", "loongarch64"],
    selector: anyVariant("loong64"),
    note: "64-bit LoongArch",
  },
]);

function deepFreeze(aliases: ArchAlias[]): ReadonlyArray<ArchAlias> {
  for (const alias of aliases) {
    Object.freeze(alias.names);
    Object.freeze(alias.selector);
    Object.freeze(alias);
  }
  return Object.freeze(aliases);
}

/** Every name, lower-case, to its selector. Built once; a duplicate is a bug in the table. */
const SELECTOR_BY_NAME: ReadonlyMap<string, ArchSelector> = (() => {
  const byName = new Map<string, ArchSelector>();
  for (const { names, selector } of ARCH_ALIASES) {
    for (const name of names) {
      if (byName.has(name)) throw new Error(`ARCH_ALIASES lists ${JSON.stringify(name)} twice`);
      byName.set(name, selector);
    }
  }
  return byName;
})();

/** All alias names in table order (the order suggestions prefer on ties). */
export const ARCH_NAMES: readonly string[] = Object.freeze([...SELECTOR_BY_NAME.keys()]);

/** The selector for an IFARCH name, case-insensitively; `undefined` when the name is unknown. */
export function resolveArchName(name: string): ArchSelector | undefined {
  return SELECTOR_BY_NAME.get(name.toLowerCase());
}

/**
 * Whether a target platform falls under a selector: same normalized
 * architecture, and the same normalized variant unless the selector accepts
 * any. Normalizing the target first is what makes `linux/arm` an arm/v7 and
 * `linux/aarch64/v8` an arm64 without variant.
 */
export function archMatches(selector: ArchSelector, target: Platform): boolean {
  const { architecture, variant } = normalizeArchitecture(target.architecture, target.variant);
  if (architecture !== selector.architecture) return false;
  return selector.variant === null || selector.variant === (variant ?? null);
}
