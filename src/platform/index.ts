/**
 * OCI platforms for dfc: parsing, normalization and formatting as containerd
 * does them, which platforms a machine runs natively, and the architecture
 * names of IFARCH/TAGARCH.
 */
export { type Platform, PlatformParseError } from "./model.js";
export { DEFAULT_VARIANTS, KNOWN_ARCHITECTURES, KNOWN_OPERATING_SYSTEMS } from "./known.js";
export { normalizePlatform } from "./normalize.js";
export { parsePlatform, type ParsePlatformOptions } from "./parse.js";
export { formatPlatform, platformKey } from "./format.js";
export { comparePlatforms, samePlatform } from "./compare.js";
export { canRun, type CanRunOptions } from "./compat.js";
export { ARCH_ALIASES, archMatches, resolveArchName, type ArchAlias, type ArchSelector } from "./arch-aliases.js";
export { nearestArchName } from "./suggest.js";
