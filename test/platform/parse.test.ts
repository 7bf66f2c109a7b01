import { describe, expect, it } from "vitest";
import {
  DEFAULT_VARIANTS,
  formatPlatform,
  normalizePlatform,
  parsePlatform,
  type Platform,
  PlatformParseError,
  platformKey,
} from "../../src/platform/index.js";

describe("parsePlatform", () => {
  it.each<[string, Platform, string]>([
    ["linux/amd64", { os: "linux", architecture: "amd64" }, "linux/amd64"],
    ["Linux/x86_64", { os: "linux", architecture: "amd64" }, "linux/amd64"],
    ["linux/x86-64", { os: "linux", architecture: "amd64" }, "linux/amd64"],
    ["linux/amd64/v1", { os: "linux", architecture: "amd64" }, "linux/amd64"],
    ["linux/amd64/V3", { os: "linux", architecture: "amd64", variant: "v3" }, "linux/amd64/v3"],
    ["linux/arm64", { os: "linux", architecture: "arm64" }, "linux/arm64"],
    ["linux/aarch64", { os: "linux", architecture: "arm64" }, "linux/arm64"],
    ["linux/arm64/v8", { os: "linux", architecture: "arm64" }, "linux/arm64"],
    ["linux/arm64/8", { os: "linux", architecture: "arm64" }, "linux/arm64"],
    ["linux/arm64/v8.0", { os: "linux", architecture: "arm64" }, "linux/arm64"],
    ["linux/arm64/v8.2", { os: "linux", architecture: "arm64", variant: "v8.2" }, "linux/arm64/v8.2"],
    ["linux/aarch64/9.0", { os: "linux", architecture: "arm64", variant: "v9" }, "linux/arm64/v9"],
    ["linux/arm", { os: "linux", architecture: "arm", variant: "v7" }, "linux/arm/v7"],
    ["linux/arm/7", { os: "linux", architecture: "arm", variant: "v7" }, "linux/arm/v7"],
    ["linux/arm/v6", { os: "linux", architecture: "arm", variant: "v6" }, "linux/arm/v6"],
    ["linux/arm/5", { os: "linux", architecture: "arm", variant: "v5" }, "linux/arm/v5"],
    ["linux/arm/8", { os: "linux", architecture: "arm", variant: "v8" }, "linux/arm/v8"],
    ["linux/armhf", { os: "linux", architecture: "arm", variant: "v7" }, "linux/arm/v7"],
    ["linux/armhf/v6", { os: "linux", architecture: "arm", variant: "v7" }, "linux/arm/v7"],
    ["linux/armel", { os: "linux", architecture: "arm", variant: "v6" }, "linux/arm/v6"],
    ["linux/i386", { os: "linux", architecture: "386" }, "linux/386"],
    ["linux/i386/sse2", { os: "linux", architecture: "386" }, "linux/386"],
    ["linux/ppc64le", { os: "linux", architecture: "ppc64le" }, "linux/ppc64le"],
    ["linux/s390x", { os: "linux", architecture: "s390x" }, "linux/s390x"],
    ["linux/riscv64", { os: "linux", architecture: "riscv64" }, "linux/riscv64"],
    ["macOS/arm64", { os: "darwin", architecture: "arm64" }, "darwin/arm64"],
    ["freebsd/amd64", { os: "freebsd", architecture: "amd64" }, "freebsd/amd64"],
    // containerd does not check names once a "/" is present.
    ["linux/foo", { os: "linux", architecture: "foo" }, "linux/foo"],
    ["plan10/bar.baz/x_y", { os: "plan10", architecture: "bar.baz", variant: "x_y" }, "plan10/bar.baz/x_y"],
    // One word: a known architecture means Linux.
    ["arm64", { os: "linux", architecture: "arm64" }, "linux/arm64"],
    ["Aarch64", { os: "linux", architecture: "arm64" }, "linux/arm64"],
    ["x86_64", { os: "linux", architecture: "amd64" }, "linux/amd64"],
    ["armel", { os: "linux", architecture: "arm", variant: "v6" }, "linux/arm/v6"],
    ["armhf", { os: "linux", architecture: "arm", variant: "v7" }, "linux/arm/v7"],
    ["i386", { os: "linux", architecture: "386" }, "linux/386"],
    ["s390x", { os: "linux", architecture: "s390x" }, "linux/s390x"],
    // Windows OS versions.
    [
      "windows(10.0.17763)/amd64",
      { os: "windows", osVersion: "10.0.17763", architecture: "amd64" },
      "windows(10.0.17763)/amd64",
    ],
    [
      "windows(10.0.17763%2Bbuild.42)/amd64",
      { os: "windows", osVersion: "10.0.17763+build.42", architecture: "amd64" },
      "windows(10.0.17763%2Bbuild.42)/amd64",
    ],
    ["windows(50%25done)/amd64", { os: "windows", osVersion: "50%done", architecture: "amd64" }, "windows(50%25done)/amd64"],
    ["windows()/amd64", { os: "windows", architecture: "amd64" }, "windows/amd64"],
  ])("%s", (spec, expected, formatted) => {
    const parsed = parsePlatform(spec);
    expect(parsed).toStrictEqual(expected);
    expect(formatPlatform(parsed)).toBe(formatted);
    expect(parsePlatform(formatted)).toStrictEqual(expected);
  });

  it.each<[string, RegExp]>([
    ["", /empty/],
    ["linux/", /architecture is empty/],
    ["/amd64", /operating system is empty/],
    ["/linux/arm", /operating system is empty/],
    ["linux//v7", /architecture is empty/],
    ["linux/arm/", /variant is empty/],
    ["linux/amd64/v7/x", /too many components/],
    ["linux/arm/foo/bar", /too many components/],
    ["linux /arm", /whitespace/],
    [" linux/arm", /whitespace/],
    ["linux/&arm", /architecture "&arm"/],
    ["linux/arm/v7!", /variant "v7!"/],
    ["lin.ux/arm", /operating system "lin.ux"/],
    ["*", /wildcards/],
    ["linux/*", /wildcards/],
    ["foo", /"foo" is neither a known operating system nor a known architecture/],
    ["arm8.1", /"arm8.1" is neither/],
    ["rpi", /"rpi" is neither/],
    ["linux", /only an operating system/],
    ["windows(10.0.17763)", /only an operating system/],
    ["foo(1)", /"foo" is not a known operating system/],
    ["linux(+gpu)/amd64", /OS features/],
    ["windows(10.0.17763+win32k)/amd64", /OS features/],
    ["windows(10 0)/amd64", /whitespace/],
    ["windows(a:b)/amd64", /OS version "a:b"/],
    ["windows(%zz)/amd64", /malformed %-escape/],
    ["windows((1))/amd64", /operating system/],
  ])("rejects %j", (spec, reason) => {
    let error: unknown;
    try {
      parsePlatform(spec);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlatformParseError);
    const parseError = error as PlatformParseError;
    expect(parseError.input).toBe(spec);
    expect(parseError.message).toContain(JSON.stringify(spec));
    expect(parseError.message).toMatch(reason);
    expect(parseError.name).toBe("PlatformParseError");
  });

  it("completes a one-word specifier from the host when one is given", () => {
    const host: Platform = { os: "linux", architecture: "arm", variant: "v6" };
    expect(parsePlatform("linux", { host })).toStrictEqual({ os: "linux", architecture: "arm", variant: "v6" });
    expect(parsePlatform("windows(10.0.20348)", { host: { os: "windows", architecture: "amd64" } })).toStrictEqual({
      os: "windows",
      osVersion: "10.0.20348",
      architecture: "amd64",
    });
    expect(parsePlatform("arm64", { host: { os: "freebsd", architecture: "amd64" } })).toStrictEqual({
      os: "freebsd",
      architecture: "arm64",
    });
    expect(parsePlatform("linux/s390x", { host })).toStrictEqual({ os: "linux", architecture: "s390x" });
  });

  it("returns frozen platforms and reuses them for a repeated specifier", () => {
    const first = parsePlatform("linux/arm64");
    expect(Object.isFrozen(first)).toBe(true);
    expect(parsePlatform("linux/arm64")).toBe(first);
    expect(normalizePlatform(first)).toBe(first);
  });

  it("does not cache failures", () => {
    expect(() => parsePlatform("linux")).toThrow(PlatformParseError);
    expect(() => parsePlatform("linux")).toThrow(PlatformParseError);
  });
});

describe("normalizePlatform", () => {
  it.each<[Platform, Platform]>([
    [{ os: "Linux", architecture: "X86_64" }, { os: "linux", architecture: "amd64" }],
    [{ os: "linux", architecture: "arm" }, { os: "linux", architecture: "arm", variant: "v7" }],
    [{ os: "linux", architecture: "arm", variant: "" }, { os: "linux", architecture: "arm", variant: "v7" }],
    [{ os: "linux", architecture: "aarch64", variant: "v8" }, { os: "linux", architecture: "arm64" }],
    [{ os: "linux", architecture: "amd64", variant: "v1" }, { os: "linux", architecture: "amd64" }],
    [{ os: "linux", architecture: "amd64", osVersion: "" }, { os: "linux", architecture: "amd64" }],
    [{ os: "MacOS", architecture: "arm64" }, { os: "darwin", architecture: "arm64" }],
    [
      { os: "windows", architecture: "amd64", osVersion: "10.0.17763" },
      { os: "windows", architecture: "amd64", osVersion: "10.0.17763" },
    ],
    [{ os: "linux", architecture: "i386", variant: "x" }, { os: "linux", architecture: "386" }],
  ])("%j", (input, expected) => {
    const normalized = normalizePlatform(input);
    expect(normalized).toStrictEqual(expected);
    expect(Object.isFrozen(normalized)).toBe(true);
    expect(normalizePlatform(normalized)).toStrictEqual(expected);
  });

  it.each<[Platform, RegExp]>([
    [{ os: "", architecture: "amd64" }, /operating system is empty/],
    [{ os: "linux", architecture: "" }, /architecture is empty/],
    [{ os: "li/nux", architecture: "amd64" }, /operating system "li\/nux"/],
    [{ os: "linux", architecture: "amd 64" }, /architecture "amd 64"/],
    [{ os: "linux", architecture: "arm", variant: "v/7" }, /variant "v\/7"/],
    [{ os: "windows", architecture: "amd64", osVersion: "\uD800" }, /surrogate/],
  ])("rejects %j", (input, reason) => {
    expect(() => normalizePlatform(input)).toThrow(PlatformParseError);
    expect(() => normalizePlatform(input)).toThrow(reason);
  });
});

describe("formatPlatform", () => {
  it("normalizes before printing", () => {
    expect(formatPlatform({ os: "linux", architecture: "arm" })).toBe("linux/arm/v7");
    expect(formatPlatform({ os: "Linux", architecture: "aarch64", variant: "8" })).toBe("linux/arm64");
  });

  it("escapes OS version characters that would not parse", () => {
    expect(formatPlatform({ os: "windows", architecture: "amd64", osVersion: "1.0(beta)" })).toBe(
      "windows(1.0%28beta%29)/amd64",
    );
    expect(formatPlatform({ os: "windows", architecture: "amd64", osVersion: "a/b" })).toBe("windows(a%2Fb)/amd64");
    expect(formatPlatform({ os: "windows", architecture: "amd64", osVersion: "x y!" })).toBe("windows(x%20y%21)/amd64");
  });

  it("refuses a malformed platform", () => {
    expect(() => formatPlatform({ os: "", architecture: "amd64" })).toThrow(PlatformParseError);
  });
});

describe("platformKey", () => {
  it.each<[string, string]>([
    ["linux/amd64", "linux_amd64"],
    ["linux/arm", "linux_arm_v7"],
    ["linux/arm/v6", "linux_arm_v6"],
    ["linux/arm64/v8", "linux_arm64"],
    ["linux/amd64/v3", "linux_amd64_v3"],
    ["windows(10.0.17763)/amd64", "windows-10.0.17763_amd64"],
    ["windows(a_b%2Fc)/amd64", "windows-a%5Fb%2Fc_amd64"],
  ])("%s → %s", (spec, key) => {
    expect(platformKey(parsePlatform(spec))).toBe(key);
  });

  it("is file-name safe", () => {
    const key = platformKey({ os: "windows", architecture: "amd64", osVersion: "x/y z:*?" });
    expect(key).toMatch(/^[A-Za-z0-9._%-]+$/);
  });
});

describe("DEFAULT_VARIANTS", () => {
  it("names the variant a platform without one has", () => {
    expect(DEFAULT_VARIANTS.arm).toBe("v7");
    expect(DEFAULT_VARIANTS.arm64).toBe("v8");
    expect(DEFAULT_VARIANTS.amd64).toBe("v1");
    expect(Object.isFrozen(DEFAULT_VARIANTS)).toBe(true);
  });

  it("agrees with normalization: arm's default is written out, the others dropped", () => {
    expect(parsePlatform(`linux/arm/${DEFAULT_VARIANTS.arm}`)).toStrictEqual(parsePlatform("linux/arm"));
    expect(parsePlatform(`linux/arm64/${DEFAULT_VARIANTS.arm64}`)).toStrictEqual(parsePlatform("linux/arm64"));
    expect(parsePlatform(`linux/amd64/${DEFAULT_VARIANTS.amd64}`)).toStrictEqual(parsePlatform("linux/amd64"));
  });
});
