import type { Platform } from "./model.js";
import { normalizePlatform } from "./normalize.js";
import { encodeOSVersion, encodeOSVersionForKey } from "./os-version.js";

/**
 * The normalized specifier: `linux/amd64`, `linux/arm/v7`,
 * `windows(10.0.17763)/amd64`. Like containerd's `FormatAll` (the OS version
 * is kept so the string parses back to the same platform), applied to the
 * normalized platform, so equal platforms always print the same.
 *
 * @throws PlatformParseError when the platform has a malformed component.
 */
export function formatPlatform(platform: Platform): string {
  const { os, architecture, variant, osVersion } = normalizePlatform(platform);
  const osPart = osVersion === undefined ? os : `${os}(${encodeOSVersion(osVersion)})`;
  return variant === undefined ? `${osPart}/${architecture}` : `${osPart}/${architecture}/${variant}`;
}

/**
 * A file-name-safe identifier, `os_arch[_variant]`, e.g. `linux_arm_v7`.
 * An OS version is appended to the OS with "-" (`windows-10.0.17763_amd64`)
 * and percent-escaped so it cannot introduce "_" or "/".
 *
 * Distinct normalized platforms get distinct keys unless an OS or
 * architecture name itself contains "_" — none of the known ones does.
 *
 * @throws PlatformParseError when the platform has a malformed component.
 */
export function platformKey(platform: Platform): string {
  const { os, architecture, variant, osVersion } = normalizePlatform(platform);
  const osPart = osVersion === undefined ? os : `${os}-${encodeOSVersionForKey(osVersion)}`;
  return variant === undefined ? `${osPart}_${architecture}` : `${osPart}_${architecture}_${variant}`;
}
