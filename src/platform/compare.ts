import type { Platform } from "./model.js";
import { canonicalize } from "./normalize.js";

/** Equal after normalization: `linux/arm` and `linux/armhf` are the same platform. */
export function samePlatform(a: Platform, b: Platform): boolean {
  return comparePlatforms(a, b) === 0;
}

/**
 * A total order on normalized platforms — os, architecture, variant, OS
 * version; a missing variant or version sorts first — for output that does
 * not depend on the order platforms were requested in. Returns 0 exactly
 * when `samePlatform` holds. Strings compare by UTF-16 code unit, never by
 * locale, so the order is the same on every machine.
 */
export function comparePlatforms(a: Platform, b: Platform): number {
  const x = canonicalize(a);
  const y = canonicalize(b);
  return (
    compareStrings(x.os, y.os) ||
    compareStrings(x.architecture, y.architecture) ||
    compareOptional(x.variant, y.variant) ||
    compareOptional(x.osVersion, y.osVersion)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareOptional(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return compareStrings(a, b);
}
