import type { Platform } from "./model.js";
import { canonicalize } from "./normalize.js";

export interface CanRunOptions {
  /**
   * Whether an arm64 host can execute 32-bit arm (AArch32) code. The ISA
   * allows it and containerd assumes it, but it is optional hardware: Apple
   * silicon and many recent Arm cores implement AArch64 only, and some
   * kernels are built without 32-bit support. Defaults to `true`, as in
   * containerd.
   */
  readonly aarch32?: boolean;
}

/**
 * Whether a machine of platform `host` executes binaries built for `target`
 * natively, without emulation. This is containerd's `Only(host).Match(target)`
 * (containerd/platforms compare.go), restated as levels so that it is a
 * preorder (reflexive and transitive):
 *
 * - the OS must be the same;
 * - amd64 at micro-architecture level vN (none = v1) runs amd64 levels ≤ N,
 *   and 386;
 * - arm/vN runs arm/vM for 5 ≤ M ≤ N;
 * - arm64/v8.x runs arm64/v8.{0..x}; arm64/v9.x runs arm64/v9.{0..x} and
 *   arm64/v8.{0..x+5} (v9.0 was specified alongside v8.5); every arm64 runs
 *   arm/v8 down to arm/v5 unless `options.aarch32` is false;
 * - everything runs itself; a host with a variant we cannot read runs only
 *   itself (an amd64 one also 386, as in containerd).
 */
export function canRun(host: Platform, target: Platform, options?: CanRunOptions): boolean {
  const h = canonicalize(host);
  const t = canonicalize(target);
  if (h.os !== t.os) return false;
  if (!osVersionRuns(h, t)) return false;
  if (h.architecture === t.architecture && h.variant === t.variant) return true;

  switch (h.architecture) {
    case "amd64":
      return amd64Runs(h.variant, t);
    case "arm":
      return t.architecture === "arm" && armRuns(h.variant, t.variant);
    case "arm64":
      return arm64Runs(h.variant, t, options?.aarch32 ?? true);
    default:
      return false;
  }
}

function amd64Runs(hostVariant: string | undefined, target: Platform): boolean {
  // containerd offers plain 386 to every amd64 host, whatever its level.
  if (target.architecture === "386") return target.variant === undefined;
  if (target.architecture !== "amd64") return false;
  const hostLevel = amd64Level(hostVariant);
  const targetLevel = amd64Level(target.variant);
  return hostLevel !== undefined && targetLevel !== undefined && targetLevel <= hostLevel;
}

/** x86-64 micro-architecture level: none (v1 is normalized away), v2, v3, v4. */
function amd64Level(variant: string | undefined): number | undefined {
  return variant === undefined ? 1 : versionNumber(variant);
}

/** arm/vN runs down to v5, the oldest arm variant containerd knows. */
function armRuns(hostVariant: string | undefined, targetVariant: string | undefined): boolean {
  const hostVersion = hostVariant === undefined ? undefined : versionNumber(hostVariant);
  const targetVersion = targetVariant === undefined ? undefined : versionNumber(targetVariant);
  return (
    hostVersion !== undefined && targetVersion !== undefined && targetVersion >= 5 && targetVersion <= hostVersion
  );
}

interface Arm64Level {
  readonly major: 8 | 9;
  readonly minor: number;
}

function arm64Runs(hostVariant: string | undefined, target: Platform, aarch32: boolean): boolean {
  const host = arm64Level(hostVariant);
  if (host === undefined) return false;
  if (target.architecture === "arm") {
    // A 64-bit Armv8/v9 core in AArch32 state is at most an ARMv8 32-bit CPU.
    return aarch32 && armRuns("v8", target.variant);
  }
  if (target.architecture !== "arm64") return false;
  const wanted = arm64Level(target.variant);
  if (wanted === undefined) return false;
  if (wanted.major === host.major) return wanted.minor <= host.minor;
  return host.major === 9 && wanted.major === 8 && wanted.minor <= host.minor + 5;
}

/** none (= v8.0), v8.N, v9, v9.N. Other majors are left unrecognised, as containerd does. */
function arm64Level(variant: string | undefined): Arm64Level | undefined {
  if (variant === undefined) return { major: 8, minor: 0 };
  const match = ARM64_VARIANT.exec(variant);
  if (match === null) return undefined;
  const [, major, minor] = match;
  return { major: major === "9" ? 9 : 8, minor: minor === undefined ? 0 : Number(minor) };
}

const ARM64_VARIANT = /^v([89])(?:\.(0|[1-9][0-9]?))?$/;
const VERSION_NUMBER = /^v([1-9][0-9]?)$/;

function versionNumber(variant: string): number | undefined {
  const match = VERSION_NUMBER.exec(variant);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Only Windows ties containers to the kernel build (containerd's matcher
 * ignores the OS version elsewhere). A target without a version is assumed
 * to run anywhere. A versioned target needs a versioned, compatible host.
 * containerd also lets an unversioned host run any versioned target; we do
 * not, because that would make the relation non-transitive (an unversioned
 * platform would bridge two incompatible builds).
 */
function osVersionRuns(host: Platform, target: Platform): boolean {
  if (host.os !== "windows" || target.osVersion === undefined) return true;
  if (host.osVersion === undefined) return false;
  return windowsVersionRuns(host.osVersion, target.osVersion);
}

interface WindowsBuild {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
}

/** Windows Server 2022 (build 20348), the first release with a stable container ABI. */
const FIRST_STABLE_ABI_BUILD = 20348;

/**
 * containerd `checkWindowsHostAndContainerCompat`: same major.minor; before
 * Windows Server 2022 the build must match exactly; from it on, a host runs
 * any build from 20348 up to its own. Versions that do not look like
 * `major.minor.build[...]` only run on an identical version.
 */
function windowsVersionRuns(hostVersion: string, targetVersion: string): boolean {
  const host = windowsBuild(hostVersion);
  const target = windowsBuild(targetVersion);
  if (host === undefined || target === undefined) return hostVersion === targetVersion;
  if (host.major !== target.major || host.minor !== target.minor) return false;
  if (host.build < FIRST_STABLE_ABI_BUILD) return host.build === target.build;
  return target.build >= FIRST_STABLE_ABI_BUILD && target.build <= host.build;
}

const WINDOWS_VERSION = /^(\d+)\.(\d+)\.(\d+)(?:\.|$)/;

function windowsBuild(version: string): WindowsBuild | undefined {
  const match = WINDOWS_VERSION.exec(version);
  if (match === null) return undefined;
  const [, major = "", minor = "", build = ""] = match;
  return { major: Number(major), minor: Number(minor), build: Number(build) };
}
