import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ARCH_ALIASES,
  archMatches,
  canRun,
  comparePlatforms,
  formatPlatform,
  nearestArchName,
  normalizePlatform,
  parsePlatform,
  type Platform,
  PlatformParseError,
  platformKey,
  resolveArchName,
  samePlatform,
} from "../../src/platform/index.js";

const OS_SPELLINGS = ["linux", "Linux", "LINUX", "windows", "darwin", "macos", "MacOS", "freebsd"];
const ARCH_SPELLINGS = [
  "amd64", "x86_64", "x86-64", "AMD64", "386", "i386", "arm", "ARM", "armhf", "armel", "arm64", "aarch64",
  "Aarch64", "ppc64le", "s390x", "riscv64", "mips64le", "loong64", "wasm",
];
const VARIANT_SPELLINGS = [
  "v1", "v2", "v3", "v4", "1", "5", "6", "7", "8", "9", "9.0", "v5", "v6", "v7", "v8", "V7", "v8.0", "v8.1",
  "v8.2", "v8.6", "v9", "v9.0", "v9.1", "v9.3", "v10", "foo",
];
const WINDOWS_VERSIONS = ["10.0.17763", "10.0.17763.42", "10.0.20348", "10.0.22621", "10.0.26100", "11.0.1.2", "ltsc"];

const osArb = fc.oneof(fc.constantFrom(...OS_SPELLINGS), fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/));
const archArb = fc.oneof(fc.constantFrom(...ARCH_SPELLINGS), fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/));
const variantArb = fc.option(
  fc.oneof(fc.constantFrom(...VARIANT_SPELLINGS), fc.stringMatching(/^[A-Za-z0-9_.-]{1,6}$/)),
  { nil: undefined },
);
const osVersionArb = fc.option(
  fc.oneof(fc.constantFrom(...WINDOWS_VERSIONS), fc.string({ unit: "grapheme", maxLength: 12 })),
  { nil: undefined },
);

function platformOf(os: string, architecture: string, variant?: string, osVersion?: string): Platform {
  return {
    os,
    architecture,
    ...(variant === undefined ? {} : { variant }),
    ...(osVersion === undefined ? {} : { osVersion }),
  };
}

/** Valid but not necessarily normalized platforms. */
const rawPlatformArb = fc
  .tuple(osArb, archArb, variantArb, osVersionArb)
  .map(([os, architecture, variant, osVersion]) => platformOf(os, architecture, variant, osVersion));

const normalizedArb = rawPlatformArb.map(normalizePlatform);

/** Platforms where canRun has something to say: the same few OSes and the related architectures. */
const compatArb = fc
  .tuple(
    fc.constantFrom("linux", "windows", "darwin"),
    fc.constantFrom("amd64", "386", "arm", "arm64", "aarch64", "armhf", "armel", "s390x"),
    variantArb,
    fc.option(fc.constantFrom(...WINDOWS_VERSIONS), { nil: undefined }),
  )
  .map(([os, architecture, variant, osVersion]) => platformOf(os, architecture, variant, osVersion));

/** Strings that look like specifiers, valid or not. */
const specifierArb = fc.oneof(
  fc
    .tuple(osArb, fc.option(osVersionArb, { nil: undefined }), archArb, variantArb)
    .map(([os, version, arch, variant]) => {
      const osPart = version === undefined ? os : `${os}(${version})`;
      return variant === undefined ? `${osPart}/${arch}` : `${osPart}/${arch}/${variant}`;
    }),
  fc.constantFrom(...ARCH_SPELLINGS, ...OS_SPELLINGS),
  fc.string({ maxLength: 20 }),
);

function tryParse(spec: string): Platform | undefined {
  try {
    return parsePlatform(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformParseError);
    return undefined;
  }
}

describe("platform properties", () => {
  it("parse(format(p)) is p for every normalized platform", () => {
    fc.assert(
      fc.property(normalizedArb, (platform) => {
        expect(parsePlatform(formatPlatform(platform))).toStrictEqual(platform);
      }),
    );
  });

  it("format(parse(s)) is a fixed point, and parse only throws PlatformParseError", () => {
    fc.assert(
      fc.property(specifierArb, (spec) => {
        const parsed = tryParse(spec);
        if (parsed === undefined) return;
        const formatted = formatPlatform(parsed);
        expect(formatPlatform(parsePlatform(formatted))).toBe(formatted);
        expect(parsePlatform(formatted)).toStrictEqual(parsed);
      }),
    );
  });

  it("normalization is idempotent and keeps the platform the same", () => {
    fc.assert(
      fc.property(rawPlatformArb, (raw) => {
        const once = normalizePlatform(raw);
        expect(normalizePlatform({ ...once })).toStrictEqual(once);
        expect(samePlatform(raw, once)).toBe(true);
      }),
    );
  });

  it("platformKey tells normalized platforms apart when os and architecture have no \"_\"", () => {
    const noUnderscore = normalizedArb.filter((p) => !p.os.includes("_") && !p.architecture.includes("_"));
    fc.assert(
      fc.property(noUnderscore, noUnderscore, (a, b) => {
        expect(platformKey(a) === platformKey(b)).toBe(samePlatform(a, b));
        expect(platformKey(a)).toMatch(/^[A-Za-z0-9._%-]+$/);
      }),
    );
  });

  it("canRun is reflexive", () => {
    fc.assert(
      fc.property(rawPlatformArb, fc.boolean(), (platform, aarch32) => {
        expect(canRun(platform, platform, { aarch32 })).toBe(true);
      }),
    );
  });

  it("canRun is transitive over a generated set", () => {
    fc.assert(
      fc.property(fc.array(compatArb, { minLength: 3, maxLength: 24 }), fc.boolean(), (platforms, aarch32) => {
        const runs = platforms.map((host) => platforms.map((target) => canRun(host, target, { aarch32 })));
        for (let a = 0; a < platforms.length; a++) {
          for (let b = 0; b < platforms.length; b++) {
            if (!runs[a]?.[b]) continue;
            for (let c = 0; c < platforms.length; c++) {
              if (runs[b]?.[c]) expect(runs[a]?.[c]).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("canRun never crosses operating systems and does not depend on spelling", () => {
    fc.assert(
      fc.property(compatArb, compatArb, (host, target) => {
        const result = canRun(host, target);
        if (normalizePlatform(host).os !== normalizePlatform(target).os) expect(result).toBe(false);
        expect(canRun(normalizePlatform(host), normalizePlatform(target))).toBe(result);
      }),
    );
  });

  it("comparePlatforms is a total order consistent with samePlatform", () => {
    fc.assert(
      fc.property(rawPlatformArb, rawPlatformArb, rawPlatformArb, (a, b, c) => {
        const ab = comparePlatforms(a, b);
        expect(Math.sign(comparePlatforms(b, a))).toBe(-Math.sign(ab));
        expect(ab === 0).toBe(samePlatform(a, b));
        expect(comparePlatforms(a, a)).toBe(0);
        if (ab <= 0 && comparePlatforms(b, c) <= 0) expect(comparePlatforms(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("samePlatform is equality of the normalized forms", () => {
    const fields = (p: Platform) => JSON.stringify([p.os, p.architecture, p.variant ?? null, p.osVersion ?? null]);
    fc.assert(
      fc.property(rawPlatformArb, rawPlatformArb, (a, b) => {
        expect(samePlatform(a, b)).toBe(fields(normalizePlatform(a)) === fields(normalizePlatform(b)));
      }),
    );
    fc.assert(
      fc.property(compatArb, compatArb, (a, b) => {
        expect(samePlatform(a, b)).toBe(fields(normalizePlatform(a)) === fields(normalizePlatform(b)));
      }),
    );
  });

  it("sorting by comparePlatforms does not depend on input order", () => {
    fc.assert(
      fc.property(
        fc
          .array(rawPlatformArb, { maxLength: 12 })
          .chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))),
        ([list, shuffled]) => {
          const sorted = (platforms: Platform[]) => [...platforms].sort(comparePlatforms).map(formatPlatform);
          expect(sorted(shuffled)).toStrictEqual(sorted(list));
        },
      ),
    );
  });

  it("archMatches sees through spelling", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ARCH_ALIASES), compatArb, (alias, target) => {
        expect(archMatches(alias.selector, target)).toBe(archMatches(alias.selector, normalizePlatform(target)));
      }),
    );
  });

  it("nearestArchName only suggests names that resolve", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (name) => {
        const suggestion = nearestArchName(name);
        if (suggestion !== undefined) expect(resolveArchName(suggestion)).toBeDefined();
        if (resolveArchName(name) !== undefined) expect(suggestion).toBe(name.toLowerCase());
      }),
    );
  });
});
