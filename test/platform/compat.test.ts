import { describe, expect, it } from "vitest";
import { canRun, parsePlatform, type Platform } from "../../src/platform/index.js";

const p = (spec: string): Platform => parsePlatform(spec);

/**
 * containerd's TestOnly cases (containerd/platforms compare_test.go): what
 * `Only(host)` matches and what it does not.
 */
const CONTAINERD_ONLY: ReadonlyArray<{ host: string; runs: string[]; runsNot: string[] }> = [
  {
    host: "linux/amd64",
    runs: ["linux/amd64", "linux/386", "linux/amd64/v1"],
    runsNot: ["linux/amd64/v2", "linux/arm/v7", "linux/arm64", "windows/amd64", "windows/arm"],
  },
  {
    host: "linux/amd64/v2",
    runs: ["linux/amd64", "linux/amd64/v1", "linux/amd64/v2", "linux/386"],
    runsNot: ["linux/amd64/v3", "linux/amd64/v4", "linux/arm/v7", "linux/arm64", "windows/amd64"],
  },
  {
    host: "linux/amd64/v4",
    runs: ["linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/386"],
    runsNot: ["linux/arm64"],
  },
  {
    host: "linux/386",
    runs: ["linux/386"],
    runsNot: ["linux/amd64", "linux/arm/v7", "linux/arm64", "windows/amd64"],
  },
  {
    host: "linux/arm/v8",
    runs: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8"],
    runsNot: ["linux/amd64", "linux/arm/v4", "linux/arm64", "windows/amd64", "windows/arm"],
  },
  {
    host: "linux/arm/v7",
    runs: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7"],
    runsNot: ["linux/amd64", "linux/arm/v4", "linux/arm/v8", "linux/arm64", "windows/arm"],
  },
  {
    host: "linux/arm/v6",
    runs: ["linux/arm/v5", "linux/arm/v6"],
    runsNot: ["linux/amd64", "linux/arm", "linux/arm/v4", "linux/arm/v7", "linux/arm/v8", "linux/arm64"],
  },
  {
    host: "linux/arm/v5",
    runs: ["linux/arm/v5"],
    runsNot: ["linux/arm", "linux/arm/v4", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8"],
  },
  {
    host: "linux/arm/v4",
    runs: ["linux/arm/v4"],
    runsNot: ["linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7"],
  },
  {
    host: "linux/arm64/v9",
    runs: [
      "linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
      "linux/arm64", "linux/arm64/v8", "linux/arm64/v8.1", "linux/arm64/v8.2", "linux/arm64/v8.3",
      "linux/arm64/v8.4", "linux/arm64/v8.5", "linux/arm64/v9", "linux/arm64/v9.0",
    ],
    runsNot: ["linux/amd64", "linux/arm/v4", "windows/amd64", "windows/arm", "linux/arm64/v8.6", "linux/arm64/v9.1"],
  },
  {
    host: "linux/arm64/v9.2",
    runs: ["linux/arm64/v9.1", "linux/arm64/v9", "linux/arm64/v8.7", "linux/arm64/v8", "linux/arm/v7"],
    runsNot: ["linux/arm64/v9.3", "linux/arm64/v8.8"],
  },
  {
    host: "linux/arm64/v8.1",
    runs: [
      "linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
      "linux/arm64", "linux/arm64/v8", "linux/arm64/v8.1",
    ],
    runsNot: ["linux/amd64", "linux/arm/v4", "linux/arm/v9", "linux/arm64/v9", "linux/arm64/v8.2", "windows/arm"],
  },
  {
    host: "linux/arm64",
    runs: [
      "linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
      "linux/arm64", "linux/arm64/v8",
    ],
    runsNot: ["linux/amd64", "linux/arm/v4", "linux/arm/v9", "linux/arm64/v8.1", "linux/arm64/v9", "windows/arm"],
  },
  {
    host: "linux/s390x",
    runs: ["linux/s390x"],
    runsNot: ["linux/amd64", "linux/ppc64le", "linux/386"],
  },
];

describe("canRun", () => {
  for (const { host, runs, runsNot } of CONTAINERD_ONLY) {
    describe(host, () => {
      it.each(runs)(`runs %s`, (target) => expect(canRun(p(host), p(target))).toBe(true));
      it.each(runsNot)(`does not run %s`, (target) => expect(canRun(p(host), p(target))).toBe(false));
    });
  }

  it.each<[string, string]>([
    ["linux/amd64", "darwin/amd64"],
    ["windows/amd64", "linux/amd64"],
    ["linux/arm64", "darwin/arm64"],
  ])("never crosses operating systems: %s does not run %s", (host, target) => {
    expect(canRun(p(host), p(target))).toBe(false);
  });

  it("normalizes both sides first", () => {
    expect(canRun({ os: "Linux", architecture: "aarch64" }, { os: "linux", architecture: "armhf" })).toBe(true);
    expect(canRun({ os: "linux", architecture: "x86_64" }, { os: "linux", architecture: "i386" })).toBe(true);
    expect(canRun({ os: "linux", architecture: "arm" }, { os: "linux", architecture: "armel" })).toBe(true);
    expect(canRun({ os: "linux", architecture: "armel" }, { os: "linux", architecture: "arm" })).toBe(false);
  });

  it("lets an arm64 host without AArch32 run only 64-bit code", () => {
    const options = { aarch32: false };
    expect(canRun(p("linux/arm64"), p("linux/arm/v7"), options)).toBe(false);
    expect(canRun(p("linux/arm64"), p("linux/arm/v6"), options)).toBe(false);
    expect(canRun(p("linux/arm64/v8.2"), p("linux/arm64/v8.1"), options)).toBe(true);
    expect(canRun(p("linux/arm64"), p("linux/arm64"), options)).toBe(true);
  });

  it("treats unreadable variants as running only themselves", () => {
    expect(canRun(p("linux/arm/foo"), p("linux/arm/foo"))).toBe(true);
    expect(canRun(p("linux/arm/foo"), p("linux/arm/v5"))).toBe(false);
    expect(canRun(p("linux/arm/v7"), p("linux/arm/foo"))).toBe(false);
    expect(canRun(p("linux/arm64/v10"), p("linux/arm64"))).toBe(false);
    expect(canRun(p("linux/arm64"), p("linux/arm64/v10"))).toBe(false);
    expect(canRun(p("linux/amd64/foo"), p("linux/amd64"))).toBe(false);
    expect(canRun(p("linux/amd64/foo"), p("linux/386"))).toBe(true);
    expect(canRun(p("linux/amd64"), p("linux/386/foo"))).toBe(false);
    expect(canRun(p("linux/foo"), p("linux/foo"))).toBe(true);
  });

  describe("Windows OS versions", () => {
    it.each<[string, string, boolean]>([
      ["windows(10.0.17763)/amd64", "windows(10.0.17763)/amd64", true],
      ["windows(10.0.17763.5000)/amd64", "windows(10.0.17763.100)/amd64", true],
      ["windows(10.0.17763)/amd64", "windows(10.0.20348)/amd64", false],
      ["windows(10.0.20348)/amd64", "windows(10.0.17763)/amd64", false],
      ["windows(10.0.26100)/amd64", "windows(10.0.20348)/amd64", true],
      ["windows(10.0.26100)/amd64", "windows(10.0.22621)/amd64", true],
      ["windows(10.0.20348)/amd64", "windows(10.0.26100)/amd64", false],
      ["windows(10.0.26100)/amd64", "windows(10.0.17763)/amd64", false],
      ["windows(11.0.26100)/amd64", "windows(10.0.26100)/amd64", false],
      // A target without a version is assumed to run anywhere.
      ["windows(10.0.17763)/amd64", "windows/amd64", true],
      ["windows/amd64", "windows/amd64", true],
      // An unversioned host is not trusted with a versioned target (containerd would say yes).
      ["windows/amd64", "windows(10.0.17763)/amd64", false],
      // Unreadable versions only run on the identical version.
      ["windows(ltsc2022)/amd64", "windows(ltsc2022)/amd64", true],
      ["windows(ltsc2022)/amd64", "windows(10.0.20348)/amd64", false],
      ["windows(10.0.20348)/amd64", "windows(ltsc2022)/amd64", false],
      // The architecture still has to fit.
      ["windows(10.0.20348)/amd64", "windows(10.0.20348)/arm64", false],
    ])("%s runs %s: %s", (host, target, expected) => {
      expect(canRun(p(host), p(target))).toBe(expected);
    });

    it("ignores OS versions outside Windows, as containerd does", () => {
      expect(canRun({ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "amd64", osVersion: "6.1" })).toBe(
        true,
      );
    });
  });

  describe("as a preorder over a representative set", () => {
    const specs = [
      "linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/amd64/foo", "linux/386",
      "linux/386/foo", "linux/arm/v4", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
      "linux/arm/v9", "linux/arm/foo", "linux/arm64", "linux/arm64/v8.1", "linux/arm64/v8.2", "linux/arm64/v8.5",
      "linux/arm64/v8.6", "linux/arm64/v8.7", "linux/arm64/v9", "linux/arm64/v9.1", "linux/arm64/v9.2",
      "linux/arm64/v10", "linux/s390x", "linux/ppc64le", "linux/riscv64", "linux/foo", "darwin/arm64",
      "darwin/amd64", "windows/amd64", "windows(10.0.17763)/amd64", "windows(10.0.17763.1)/amd64",
      "windows(10.0.20348)/amd64", "windows(10.0.22621)/amd64", "windows(10.0.26100)/amd64",
      "windows(11.0.26100)/amd64", "windows(ltsc)/amd64", "windows/arm64", "windows(10.0.26100)/arm64",
    ];
    const platforms = specs.map(p);

    for (const aarch32 of [true, false]) {
      it(`is reflexive and transitive (aarch32: ${aarch32})`, () => {
        const runs = platforms.map((host) => platforms.map((target) => canRun(host, target, { aarch32 })));
        platforms.forEach((_, i) => expect(runs[i]?.[i], specs[i]).toBe(true));
        for (let a = 0; a < platforms.length; a++) {
          for (let b = 0; b < platforms.length; b++) {
            if (!runs[a]?.[b]) continue;
            for (let c = 0; c < platforms.length; c++) {
              if (runs[b]?.[c] && !runs[a]?.[c]) {
                expect.fail(`${specs[a]} runs ${specs[b]} runs ${specs[c]}, but ${specs[a]} does not run ${specs[c]}`);
              }
            }
          }
        }
      });
    }
  });
});
