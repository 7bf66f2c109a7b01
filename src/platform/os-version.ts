/**
 * The `(<os version>)` suffix of an OS component, e.g. `windows(10.0.17763)`.
 *
 * containerd percent-decodes the version when it contains "%", and its
 * `FormatAll` percent-encodes the characters that would be ambiguous in the
 * specifier ("%", "+", "(", ")", "/"). We encode every character outside the
 * specifier's version alphabet instead, so that *any* version string formats
 * to something `parsePlatform` accepts; for versions containerd can express
 * the output is identical.
 */

/** containerd's version alphabet inside the parentheses. */
export const OS_VERSION_PATTERN = /^[A-Za-z0-9_.%-]*$/;
const VERSION_SAFE = /^[A-Za-z0-9_.-]$/;
/** File names are split on "_" by `platformKey`, so it is escaped there too. */
const KEY_SAFE = /^[A-Za-z0-9.-]$/;
const ALL_VERSION_SAFE = /^[A-Za-z0-9_.-]*$/;
const ALL_KEY_SAFE = /^[A-Za-z0-9.-]*$/;

function percentEncode(value: string, safeChar: RegExp): string {
  let out = "";
  for (const char of value) {
    if (safeChar.test(char)) {
      out += char;
      continue;
    }
    const encoded = encodeURIComponent(char);
    // encodeURIComponent leaves !'()*~ alone; those need escaping here too.
    out += encoded === char ? `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}` : encoded;
  }
  return out;
}

export function encodeOSVersion(version: string): string {
  return ALL_VERSION_SAFE.test(version) ? version : percentEncode(version, VERSION_SAFE);
}

/** The version as a file-name fragment: no "_", "/" or "%"-ambiguity. */
export function encodeOSVersionForKey(version: string): string {
  return ALL_KEY_SAFE.test(version) ? version : percentEncode(version, KEY_SAFE);
}

/** @returns the decoded version, or `undefined` when an escape is malformed. */
export function decodeOSVersion(encoded: string): string | undefined {
  if (!encoded.includes("%")) return encoded;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}
